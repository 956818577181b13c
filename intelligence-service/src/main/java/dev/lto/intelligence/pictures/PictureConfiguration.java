package dev.lto.intelligence.pictures;

import dev.lto.intelligence.simulation.SimulationWorker;
import dev.lto.simulator.spi.SimulatorAdapters;
import java.nio.file.Path;
import java.time.Clock;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(PictureProperties.class)
class PictureConfiguration {

    @Bean
    JobPictures jobPictures(PictureProperties props, @Value("${lto.data-dir}") Path dataDir) {
        return new JobPictures(props.inDataDir(dataDir), Clock.systemUTC());
    }

    @Bean
    PictureRecorder pictureRecorder(SimulatorAdapters adapters, JobPictures pictures, SimulationWorker worker) {
        return new PictureRecorder(adapters, pictures, worker::isRunning);
    }
}
