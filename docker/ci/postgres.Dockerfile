# A PostgreSQL image from Debian's postgresql package, for CI's run of docker-compose.external.yml where no
# registry serves postgres:17. It honours the same POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB on the first
# start and keeps its data in /var/lib/postgresql/data. Build context: docker/ci.
FROM debian:bookworm-slim
# The package creates a cluster of its own; the entrypoint makes the one the container uses, in the volume.
RUN apt-get update && apt-get install -y --no-install-recommends postgresql \
    && apt-get clean && rm -rf /var/lib/apt/lists/* \
    && pg_dropcluster --stop "$(ls /usr/lib/postgresql | sort -V | tail -n 1)" main \
    && install -d -o postgres -g postgres -m 700 /var/lib/postgresql/data \
    && install -d -o postgres -g postgres -m 2775 /var/run/postgresql
COPY postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint.sh
USER postgres
ENV PGDATA=/var/lib/postgresql/data
VOLUME ["/var/lib/postgresql/data"]
EXPOSE 5432
# SIGINT is PostgreSQL's fast shutdown; SIGTERM would wait for every client to leave.
STOPSIGNAL SIGINT
ENTRYPOINT ["/usr/local/bin/postgres-entrypoint.sh"]
