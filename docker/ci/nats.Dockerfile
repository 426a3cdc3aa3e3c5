# A NATS image from Debian's nats-server package, for CI's run of docker-compose.external.yml where no registry
# serves nats:2.10. Like the official image, its arguments go to nats-server. Build context: docker/ci.
FROM debian:bookworm-slim
# The package creates the user nats.
RUN apt-get update && apt-get install -y --no-install-recommends nats-server \
    && apt-get clean && rm -rf /var/lib/apt/lists/* \
    && install -d -o nats -g nats -m 700 /data
USER nats
VOLUME ["/data"]
EXPOSE 4222
ENTRYPOINT ["/usr/sbin/nats-server"]
