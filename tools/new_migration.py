import sys, tempfile, os
from pathlib import Path
from alembic import command
from services.kit.migrations import alembic_config
import importlib
svc = sys.argv[1]; msg = sys.argv[2]
pkg = importlib.import_module(f"services.{svc}" if svc != "gateway" else "gateway")
d = tempfile.mkdtemp(); url = f"sqlite:///{d}/x.db"
cfg = alembic_config(Path(pkg.__file__).parent, url)
command.upgrade(cfg, "head")
command.revision(cfg, message=msg, autogenerate=True, rev_id=sys.argv[3])
