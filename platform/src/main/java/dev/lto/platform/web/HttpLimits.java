package dev.lto.platform.web;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Request limits every LTO service applies ({@code lto.http.*}). */
@ConfigurationProperties("lto.http")
public record HttpLimits(@DefaultValue("65536") long maxBodyBytes) {
}
