package dev.lto.testsupport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(TestRedisExtension.class)
class TestRedisTest {

    @Test
    void startsOnAFreePortAndAnswersCommands(TestRedis redis) {
        assertThat(redis).isSameAs(TestRedis.shared());
        assertThat(redis.port()).isPositive().isNotEqualTo(6379);
        assertThat(redis.uri()).isEqualTo("redis://" + redis.host() + ":" + redis.port());
        assertThat(redis.springProperties()).containsExactly("spring.data.redis.host=" + redis.host(),
                "spring.data.redis.port=" + redis.port());
        assertThat(redis.command("PING")).isEqualTo("PONG");
        assertThat(redis.command("SET", "k", "v")).isEqualTo("OK");
        assertThat(redis.command("GET", "k")).isEqualTo("v");
        assertThat(redis.command("XADD", "s", "*", "f", "1")).asString().contains("-");
        assertThat(redis.command("XLEN", "s")).isEqualTo(1L);
        assertThatThrownBy(() -> redis.command("NOSUCHCOMMAND")).isInstanceOf(TestRedis.RedisErrorReply.class);

        redis.flushAll();
        assertThat(redis.command("GET", "k")).isNull();
    }

    @Test
    void stopAndStartKeepThePort(TestRedis redis) {
        int port = redis.port();
        redis.command("SET", "k", "v");

        redis.stop();
        assertThat(redis.isRunning()).isFalse();
        assertThat(connects(redis.host(), port)).isFalse();

        redis.start();
        assertThat(redis.isRunning()).isTrue();
        assertThat(redis.port()).isEqualTo(port);
        assertThat(redis.command("GET", "k")).as("nothing is persisted").isNull();
    }

    @Test
    void sharedRestartsAStoppedServer(TestRedis redis) {
        redis.stop();
        assertThat(TestRedis.shared().isRunning()).isTrue();
    }

    @Test
    void aDurableServerKeepsItsDataAcrossSigtermAndSigkill() {
        TestRedis durable = TestRedis.durable("always");
        try {
            assertThat(durable.port()).isNotEqualTo(TestRedis.shared().port());
            int port = durable.port();
            durable.command("XADD", "s", "*", "f", "1");

            durable.stop(); // SIGTERM: a clean shutdown
            durable.start();
            durable.command("XADD", "s", "*", "f", "2");

            durable.kill(); // SIGKILL: only what the AOF had synced
            assertThat(durable.isRunning()).isFalse();
            assertThat(connects(durable.host(), port)).isFalse();
            durable.start();
            assertThat(durable.port()).isEqualTo(port);
            assertThat(durable.command("XLEN", "s")).as("both entries, from the AOF").isEqualTo(2L);
        }
        finally {
            durable.stop();
        }
    }

    private static boolean connects(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 500);
            return true;
        }
        catch (IOException ex) {
            return false;
        }
    }
}
