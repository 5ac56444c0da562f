# The deployment image: web (gunicorn + whitenoise), the workers, beat and the one-off
# migrate job run from it. Starting it never migrates: docker-compose.yml runs `migrate`
# once per release before anything else (ADR 0026).
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir "setuptools<81" wheel \
 && pip install --no-cache-dir --no-build-isolation -r requirements.txt
COPY . .
# The portal's own bytecode, compiled once here (pip compiled the libraries'): no worker
# compiles them again at each start (ADR 0036).
RUN python -m compileall -q config portal elicense licensing yiyeyizheng mingchu demo
RUN DEBUG=false SECRET_KEY=build-only-not-secret python manage.py collectstatic --noinput
# The cut PDF fonts (ADR 0024), made once here instead of on the first render.
RUN DEBUG=false SECRET_KEY=build-only-not-secret python manage.py elicense_fonts
RUN useradd --system --home /app portal && mkdir -p /app/var && chown portal /app/var
USER portal
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
