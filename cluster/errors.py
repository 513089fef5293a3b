from territories.errors import DomainError

__all__ = ["DomainError"]
