from services.kit.migrations import run_env
from services.schedule.store import Base

run_env(Base.metadata)
