# The production server as an image: gunicorn (deploy/gunicorn.conf.py) on port 8000,
# configured by the environment (deploy/env.example), behind a TLS proxy such as
# deploy/nginx/intloffice.conf, with /var/lib/intloffice (uploads) on a volume.
# Linted with hadolint; not built on the development machine, which cannot run containers.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_VAR_DIR=/var/lib/intloffice \
    MEDIA_ROOT=/var/lib/intloffice/media \
    DJANGO_STATIC_ROOT=/srv/intloffice/collected-static

WORKDIR /srv/intloffice
# The locked versions with their hashes, before the code: a code change keeps this layer.
COPY requirements.txt .
RUN pip install --require-hashes --no-deps -r requirements.txt

COPY . .
# Static files belong to the image. The key only lets the settings load during the build.
RUN DJANGO_SECRET_KEY=collectstatic-only python manage.py collectstatic --no-input -v0 \
    && groupadd --system --gid 10001 intloffice \
    && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/intloffice --create-home \
       intloffice

USER 10001:10001
VOLUME ["/var/lib/intloffice"]
EXPOSE 8000
CMD ["gunicorn", "intloffice.wsgi", "--config", "deploy/gunicorn.conf.py", "--bind", "0.0.0.0:8000"]
