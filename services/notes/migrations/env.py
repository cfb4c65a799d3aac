from services.kit.migrations import run_env
from services.notes.store import Base

run_env(Base.metadata)
