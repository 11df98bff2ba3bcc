# The python:3.13-slim stand-in: the official image's settings over the root
# fs that scripts/base-images.sh built and imported (ROOTFS).
ARG ROOTFS
FROM ${ROOTFS}
ARG PYTHON_VERSION
ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8 \
    PYTHON_VERSION=$PYTHON_VERSION \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
    REQUESTS_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt
CMD ["python3"]
