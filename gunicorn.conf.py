"""gunicorn settings for QiSu: `gunicorn -c gunicorn.conf.py 'app:create_app()'`.

Every setting comes from the environment (docs/operations.md "Running in production"). When
`PROMETHEUS_MULTIPROC_DIR` is set, the directory is emptied at start and each worker's metric
files are merged by `/metrics`; a worker that exits is marked dead so its gauges disappear.
"""
import os
import shutil

bind = os.environ.get("QISU_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("QISU_WEB_WORKERS", "4"))
threads = int(os.environ.get("QISU_WEB_THREADS", "1"))
timeout = int(os.environ.get("QISU_WEB_TIMEOUT", "60"))
graceful_timeout = 30
max_requests = int(os.environ.get("QISU_WEB_MAX_REQUESTS", "0"))  # recycle workers (0: never)
max_requests_jitter = max_requests // 10
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = None  # the app writes one structured access line per request (with its request id)
errorlog = "-"
loglevel = os.environ.get("QISU_LOG_LEVEL", "info").lower()

if os.environ.get("QISU_LOG_FORMAT", "json").lower() == "json":
    logconfig_dict = {
        "version": 1, "disable_existing_loggers": False,
        "formatters": {"json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"}}},
        "handlers": {name: {"class": "logging.StreamHandler", "formatter": "json",
                            "stream": "ext://sys.stderr"} for name in ("console", "error_console")},
        "root": {"level": "INFO", "handlers": []},  # the app installs its own (request ids)
        "loggers": {"gunicorn.error": {"handlers": ["error_console"], "level": loglevel.upper(),
                                       "propagate": False, "qualname": "gunicorn.error"}},
    }


def on_starting(server):
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        os.makedirs(directory, exist_ok=True)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess
        multiprocess.mark_process_dead(worker.pid)


def post_worker_init(worker):
    """Load jieba's dictionary before the first request, not during it: the first common-problems
    or routing answer of a process otherwise pays ~1–2 s for it (QISU_WARM_TEXT=0 skips this)."""
    if os.environ.get("QISU_WARM_TEXT", "1") != "0":
        import jieba
        jieba.setLogLevel("WARNING")
        jieba.initialize()
