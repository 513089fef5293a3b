"""Models of the territories app, one module per part of the domain.

Every model is imported here, so that `from territories.models import Actor` keeps
working and Django finds them all; their app and table names are the territories app's,
wherever their class is written.
"""

from territories.models.geography import Commune, Department, Epci, Region
from territories.models.imports import ActorImport, QueuedTask
from territories.models.items import (
    Actor,
    LocalPolicy,
    LocatedItem,
    MappedItem,
    Place,
    Resource,
    points_index,
    published_unlocated_index,
)
from territories.models.territory import KeyFigure, Label, MapVersion, Territory
from territories.models.themes import Theme, ThemeQuerySet, ThemeSynonym

__all__ = [
    "Actor",
    "ActorImport",
    "Commune",
    "Department",
    "Epci",
    "KeyFigure",
    "Label",
    "LocalPolicy",
    "LocatedItem",
    "MapVersion",
    "MappedItem",
    "Place",
    "QueuedTask",
    "Region",
    "Resource",
    "Territory",
    "Theme",
    "ThemeQuerySet",
    "ThemeSynonym",
    "points_index",
    "published_unlocated_index",
]
