package io.orisun.auth;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What does checking a call's {@code x-auth-token} cost? A client sends the same token on every call until it is
 * renewed; each call's header is a new string, as the transport decodes it. {@link #verifyRepeatedToken} is the
 * check and the renewal decision the authenticator makes per call. The class sits in auth's package because the
 * tokens are internal to it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SessionTokensBenchmark {

    private SessionTokens tokens;
    private char[] token;

    @Setup
    public void setUp() {
        tokens = new SessionTokens(new byte[32], Duration.ofHours(1), InstantSource.system());
        token = tokens.issue("0f8fad5b-d9cb-469f-a165-70867728950e", 3).toCharArray();
    }

    @Benchmark
    public boolean verifyRepeatedToken() {
        Optional<SessionTokens.Claims> claims = tokens.verify(new String(token));
        return claims.isPresent() && tokens.needsRenewal(claims.get());
    }
}
