"""How an exercise is drawn: a side view of a person, as segment angles at start and end.

Angles are absolute, in degrees, measured clockwise from straight up in the picture:
0 = up, 90 = forward (the way the person faces, to the right), 180 = down, 270 = backward.
A standing person is trunk 0, head 0, thighs 180, shins 180, feet 90, arms 180. A person
lying on their back with the head to the left is trunk 270, head 270.

Each segment hangs from the joint before it: trunk and thighs from the hip, head and upper
arms from the shoulder, shins from the knee, feet from the ankle, forearms from the elbow.
``near`` limbs face the viewer; ``far`` limbs default to the near ones and are drawn behind.
The renderer puts the figure's lowest point on the floor (or the pelvis on a chair's seat).

``trunk`` is the line from the hip to the shoulder; ``spine`` bends the back along it, in
degrees (the angle between the lower and the upper half of the trunk): positive rounds the
back (it bulges out behind, as a cat's), negative hollows it (the belly sinks). The shoulders
stay where ``trunk`` puts them, so rounding the back on hands and knees needs no other change.

A moving exercise is animated between ``start`` and ``end`` and back; a ``rhythmic`` one
(walking, cycling, swimming) swings to and fro without pausing, whatever its dosage holds.
A ``cue`` shows what the eye cannot see moving: abdominal muscles tightening, or the belly
rising and falling with the breath.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, model_validator

from backpath.clinical.models import FrozenModel

Angle = float


class Prop(StrEnum):
    MAT = "mat"
    CHAIR = "chair"
    WALL = "wall"  # behind the person
    STEP = "step"
    BOX = "box"
    BED = "bed"


class Cue(StrEnum):
    BRACE = "brace"  # tighten the abdominal muscles: the belly lit up, with marks around it
    BREATHE = "breathe"  # breathe into the belly: an arrow up and down over it


class Limbs(FrozenModel):
    thigh: Angle | None = None
    shin: Angle | None = None
    foot: Angle | None = None
    upper_arm: Angle | None = None
    forearm: Angle | None = None


class Stance(FrozenModel):
    """One moment of the movement: every segment's absolute angle."""

    trunk: Angle = Field(ge=-360, le=360)
    head: Angle = Field(ge=-360, le=360)
    thigh: Angle = Field(ge=-360, le=360)
    shin: Angle = Field(ge=-360, le=360)
    foot: Angle = Field(ge=-360, le=360)
    upper_arm: Angle = Field(ge=-360, le=360)
    forearm: Angle = Field(ge=-360, le=360)
    far: Limbs = Limbs()  # the limbs on the far side, where they differ
    spine: Angle = Field(default=0, ge=-90, le=90)  # + rounds the back, - hollows it
    seated: bool = False  # pelvis rests on the chair or box seat
    # Lying on the side, seen from the front: the face looks at the viewer (two eyes, no
    # profile nose), so a side-lying exercise does not read as lying on the back.
    facing_viewer: bool = False


class Joint(StrEnum):
    HEAD = "head"
    SHOULDER = "shoulder"
    ELBOW = "elbow"
    HAND = "hand"
    HIP = "hip"
    KNEE = "knee"
    ANKLE = "ankle"
    TOE = "toe"
    FAR_HAND = "far_hand"
    FAR_KNEE = "far_knee"
    FAR_ANKLE = "far_ankle"
    BACK = "back"  # the middle of the back: it rises or sinks as the spine bends


# Where an elastic band can be attached: a joint, or a fixed point in front of the person at
# the hand's starting height (a door or a rail).
BAND_ENDS = frozenset(
    {"hand", "far_hand", "elbow", "knee", "far_knee", "ankle", "far_ankle", "toe", "far_toe"}
    | {"anchor"}
)


class Pose(FrozenModel):
    props: tuple[Prop, ...] = ()
    start: Stance
    end: Stance | None = None  # a held position has no end
    moves: tuple[Joint, ...] = ()  # joints that get an arrow from start to end
    band: tuple[str, str] | None = None  # an elastic band between these two points
    turn: bool = False  # the trunk rotates: a curved arrow around the chest
    cue: Cue | None = None  # what moves unseen: drawn on the end (or only) position
    rhythmic: bool = False  # a continuous movement: animated to and fro without a pause

    @model_validator(mode="after")
    def _arrows_need_an_end(self) -> Pose:
        if self.moves and self.end is None:
            raise ValueError("moves: arrows need an end position")
        if self.rhythmic and self.end is None:
            raise ValueError("rhythmic: a rhythm needs an end position")
        if self.band is not None:
            unknown = [end for end in self.band if end not in BAND_ENDS]
            if unknown:
                raise ValueError(f"band: unknown end {unknown[0]!r}; use {sorted(BAND_ENDS)}")
        return self
