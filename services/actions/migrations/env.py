from services.kit.migrations import run_env
from services.actions.store import Base

run_env(Base.metadata)
