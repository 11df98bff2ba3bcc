# The postgres:17 stand-in: the official image's settings over the root fs
# that scripts/base-images.sh built and imported (ROOTFS).
ARG ROOTFS
FROM ${ROOTFS}
ARG PG_VERSION
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/lib/postgresql/17/bin \
    LANG=C.UTF-8 \
    PG_MAJOR=17 \
    PG_VERSION=$PG_VERSION \
    PGDATA=/var/lib/postgresql/data
VOLUME /var/lib/postgresql/data
ENTRYPOINT ["docker-entrypoint.sh"]
# PostgreSQL's fast shutdown: it does not wait for clients to disconnect.
STOPSIGNAL SIGINT
EXPOSE 5432
CMD ["postgres"]
