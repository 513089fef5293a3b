FROM python:3.11-slim-bookworm

# WeasyPrint renders PDFs with Pango, in the DejaVu fonts the documents ask for; gettext
# compiles the English translations.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
       fonts-dejavu-core gettext \
    && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY cluster ./cluster
COPY territories ./territories
COPY projects ./projects
COPY funding ./funding
RUN pip install --no-cache-dir .
COPY . .
RUN DEBUG=true python manage.py compilemessages --verbosity 0 \
    && DEBUG=true python manage.py collectstatic --noinput --verbosity 0

RUN useradd --create-home app && mkdir -p /app/media && chown app /app/media
USER app
EXPOSE 8000
CMD ["gunicorn", "cluster.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
