package dev.lto.simulator.physics;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-stage CPU of the jobs a thread runs, for throughput studies (ThroughputStudy): between two
 * marks it charges the process' CPU time (every thread: libtorch's intra-op threads work for the
 * caller) and the wall time to the stage just ended. Off unless a study starts it on its thread; the
 * marks then cost two clock reads.
 */
final class StageClock {

    private static final ThreadLocal<StageClock> CURRENT = new ThreadLocal<>();
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /** stage → {process CPU ns, wall ns, marks}. */
    private final Map<String, long[]> stages = new LinkedHashMap<>();
    private long lastCpu;
    private long lastWall;

    static StageClock startOnThisThread() {
        StageClock c = new StageClock();
        CURRENT.set(c);
        c.lap();
        return c;
    }

    static void stopOnThisThread() {
        CURRENT.remove();
    }

    /** Restarts the lap (work between jobs is not charged). */
    void lap() {
        lastCpu = OS.getProcessCpuTime();
        lastWall = System.nanoTime();
    }

    /** Charges the time since the previous mark to {@code stage}; no-op when no study runs. */
    static void mark(String stage) {
        StageClock c = CURRENT.get();
        if (c == null) {
            return;
        }
        long cpu = OS.getProcessCpuTime();
        long wall = System.nanoTime();
        long[] s = c.stages.computeIfAbsent(stage, k -> new long[3]);
        s[0] += cpu - c.lastCpu;
        s[1] += wall - c.lastWall;
        s[2]++;
        c.lastCpu = cpu;
        c.lastWall = wall;
    }

    Map<String, long[]> stages() {
        return stages;
    }
}
