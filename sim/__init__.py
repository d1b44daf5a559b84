"""sim: a system-dynamics scenario simulator for Qingdao's 14th Five-Year Plan."""

__version__ = "0.1.0"
