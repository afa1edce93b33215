"""Exercise illustrations: a side view of a person as a self-contained SVG (no scripts, no links).

The figure is built from a :class:`~backpath.exercises.pose.Stance` with standard
anthropometric proportions (Drillis & Contini, as tabulated by Winter): with the body height
as 1, the trunk (hip to shoulder joint) is 0.30, thigh and shin 0.245 each, the foot 0.11 in
front of the ankle, upper arm 0.17, forearm and hand 0.2, and the head a circle 0.13 across.
Each segment is a tapered, rounded shape between two discs (trunk thickest, then thigh,
upper arm, shin, forearm, foot); far-side limbs are drawn behind the body in a lighter tone,
near-side limbs in front with a thin white outline so an arm across the trunk stays visible.
A small nose shows which way the face points (on the back or on the stomach).

The trunk is two tapered halves meeting at the waist, so the back can be rounded or hollowed
(``Stance.spine``); a straight back looks like one segment.

Placement: the joints are computed from the hip, then the figure is lowered until its lowest
point rests on the floor (or on a bed, or with the pelvis on a chair, box or bed seat), and
the end position is shifted so that what rests on the floor in both positions stays put
(planted feet first). The picture is cropped to what is drawn, with a small margin, so the
figure fills its box; the scale in the SVG's own units is the same for every exercise, the
page decides how large the picture shows (figures.css).

Two pictures in one SVG, for a moving exercise:

* the animation (``<g class="fig-frames">``): the segment angles are interpolated from start
  to end in :data:`FRAMES` steps (eased), and the frames are shown in turn, there and back,
  looping, with SMIL ``<animate>`` on ``visibility`` (no script, no style: the pages'
  Content-Security-Policy allows neither). The cycle pauses in the start position and holds
  the end position for the dosage's hold time (:func:`timing`);
* the still picture (``<g class="fig-still" display="none">``): the end position solid over a
  faint start position, with the arrows. figures.css shows it instead of the animation for
  ``prefers-reduced-motion`` and in print; ``render_svg(..., animate=False)`` draws only it
  (the PDF booklets: WeasyPrint does not play SMIL).

Arrows (a curved amber arrow per moving joint), props, water and the floor are shared by both.
A held position has no animation, unless its cue has a rhythm of its own (bracing: tighten
for the hold time, relax; breathing: in and out).

Props: a mat under what touches the floor; a chair under a seated pelvis, or else in front
with its back under the reaching hand; a wall at the person's back, or at the hand when a
hand reaches forward; a step under the higher foot (or under both); a box held in the hands,
or as a seat; a bed to lie on or sit on the edge of. Someone seated on nothing gets a stool.
Given an :class:`Exercise`, equipment the pose has no prop for is drawn too: a pool (water
to the chest, or swimming at the surface) and an exercise bike.

Model units: body height 1, x forward (to the right), y down as in SVG, the floor at y = 0.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from backpath.clinical.language import Lang, Text
from backpath.exercises.pose import Cue, Joint, Limbs, Pose, Prop, Stance

if TYPE_CHECKING:
    from backpath.exercises.library import Dosage, Exercise

Point = tuple[float, float]

# Segment lengths, as a fraction of body height.
TRUNK = 0.30  # hip joint to shoulder joint
NECK = 0.045  # shoulder joint to the base of the head
HEAD_R = 0.065  # the head is a circle 0.13 across
THIGH = 0.245
SHIN = 0.245
FOOT = 0.10  # ankle to the centre of the toes' disc (0.11 to the tip)
HEEL = 0.03  # the heel sits behind ...
SOLE = 0.016  # ... and below the ankle
UPPER_ARM = 0.17
FOREARM = 0.18  # elbow to the centre of the hand (0.2 to the fingertips)

# Half-thickness of the body at each disc.
PELVIS_R = 0.064
CHEST_R = 0.072
CHEST_DROP = 0.06  # the chest disc's centre sits this far below the shoulder joint
NECK_R = 0.024
HIP_R = 0.05
KNEE_R = 0.036
ANKLE_R = 0.025
HEEL_R = 0.024
TOE_R = 0.015
SHOULDER_R = 0.034
ELBOW_R = 0.026
HAND_R = 0.024
NOSE = 0.014

# Props, in body heights.
SEAT_H = SHIN + SOLE + HEEL_R - PELVIS_R  # upright sitting with the feet flat on the floor
SEAT_DEPTH = 0.25
CHAIR_BACK = 0.27
BED_H = SEAT_H  # lying on a bed or sitting on its edge
PEDAL_H = 0.1  # the lower pedal of an exercise bike above the floor
STEP_H = 0.1
MAT_T = 0.02
PROP_W = 0.024  # thickness of chair legs, the wall

WAIST_R = (PELVIS_R + CHEST_R) / 2  # a straight back tapers evenly from pelvis to chest

# The picture.
SCALE = 190.0  # viewBox units per body height, the same for every exercise
MARGIN = 0.025  # around what is drawn, in body heights
BOX_RATIO = 0.75  # the picture fits a box this high for its width (4:3), keeping its shape
FLOOR_W = 2.0  # the floor line, in viewBox units
HALO = 0.013  # the white outline around near limbs

# The animation.
FRAMES = 7  # positions from start to end, both included: 12 pictures there and back
MOVE_SECONDS = 1.5  # from the start to the end position (and as long back)
PAUSE_SECONDS = 0.6  # in the start position; in the end position when nothing is held
STRIDE_SECONDS = 1.0  # a rhythmic movement (a stride, a pedal stroke) from start to end
RELAX_SECONDS = 2.0  # between two holds of a braced position
DEFAULT_HOLD_SECONDS = 5.0  # a braced position without a dosage
BREATH_IN_SECONDS = 4.0
BREATH_OUT_SECONDS = 6.0

NEAR = "#0f6b74"
FAR = "#5a9ca3"
GHOST_OPACITY = "0.35"
PROP = "#c9ced6"
FLOOR = "#aab1bb"
ARROW = "#b45309"
CUE = ARROW  # a cue shows what moves, like the arrows
BELLY = "#f59e0b"  # braced abdominal muscles: a lighter amber, over the teal body
WHITE = "#ffffff"
# What a screen reader says about every picture, in the page's language.
DESC_HELD = Text(
    nl="De houding om aan te nemen en vast te houden.", en="The position to take and hold."
)
DESC_MOVE = Text(
    nl="Vaag: de beginhouding. Vol: de eindhouding.",
    en="Faint: the starting position. Solid: the end position.",
)
DESC_ARROWS = Text(nl="De pijlen tonen de beweging.", en="The arrows show the movement.")
BAND = "#7c3aed"  # an elastic band: violet, unlike anything else in the picture
BAND_W = 0.012
WATER = "#3b93c0"

# The joint each moving joint turns about, to bend its arrow the natural way.
PIVOT: Mapping[str, str] = {
    "head": "shoulder",
    "shoulder": "hip",
    "elbow": "shoulder",
    "hand": "shoulder",
    "hip": "knee",
    "knee": "hip",
    "ankle": "knee",
    "toe": "ankle",
    "far_hand": "shoulder",
    "far_knee": "hip",
    "far_ankle": "far_knee",
}
SEGMENTS = ("trunk", "head", "thigh", "shin", "foot", "upper_arm", "forearm")
LIMBS = ("thigh", "shin", "foot", "upper_arm", "forearm")


# Geometry ------------------------------------------------------------------------------------


def _dir(angle: float) -> Point:
    """The unit vector of an angle measured clockwise from straight up (y down)."""
    rad = math.radians(angle)
    return (math.sin(rad), -math.cos(rad))


def _at(origin: Point, angle: float, length: float) -> Point:
    dx, dy = _dir(angle)
    return (origin[0] + dx * length, origin[1] + dy * length)


def _add(a: Point, b: Point, k: float = 1.0) -> Point:
    return (a[0] + b[0] * k, a[1] + b[1] * k)


def _sub(a: Point, b: Point) -> Point:
    return (a[0] - b[0], a[1] - b[1])


def _norm(v: Point) -> float:
    return math.hypot(v[0], v[1])


def _unit(v: Point, fallback: Point = (0.0, -1.0)) -> Point:
    n = _norm(v)
    return (v[0] / n, v[1] / n) if n > 1e-9 else fallback


def _far(stance: Stance, name: str) -> float:
    value = getattr(stance.far, name)
    near: float = getattr(stance, name)
    return near if value is None else float(value)


def _bend(spine: float) -> float:
    """How far the waist leaves the hip-chest line, per half trunk, for a bend of ``spine``."""
    return math.tan(math.radians(spine) / 2)


def _leg(hip: Point, thigh: float, shin: float, foot: float) -> tuple[Point, ...]:
    knee = _at(hip, thigh, THIGH)
    ankle = _at(knee, shin, SHIN)
    sole = _dir(foot + 90)  # the sole faces a quarter turn clockwise from the toes
    heel = _add(_at(ankle, foot, -HEEL), sole, SOLE)
    toe = _add(_at(ankle, foot, FOOT), sole, SOLE)
    return knee, ankle, heel, toe


def joint_positions(stance: Stance) -> dict[str, Point]:
    """Where each joint of ``stance`` is, in body heights, with the hip at (0, 0) and y down.

    Keys: the :class:`~backpath.exercises.pose.Joint` names plus ``chest`` (centre of the
    chest), ``waist`` (centre of the trunk's bend), ``heel``, ``far_elbow``, ``far_heel`` and
    ``far_toe``; ``head`` is the centre of the head, ``back`` the middle of the back's surface.
    """
    hip = (0.0, 0.0)
    shoulder = _at(hip, stance.trunk, TRUNK)
    chest = _at(shoulder, stance.trunk, -CHEST_DROP)
    # Rounding the back moves the waist behind the hip-chest line, hollowing it in front.
    half = (TRUNK - CHEST_DROP) / 2
    waist = _at(_at(hip, stance.trunk, half), stance.trunk - 90, half * _bend(stance.spine))
    back = _at(waist, stance.trunk - 90, WAIST_R)
    head = _at(shoulder, stance.head, NECK + HEAD_R)
    elbow = _at(shoulder, stance.upper_arm, UPPER_ARM)
    hand = _at(elbow, stance.forearm, FOREARM)
    far_elbow = _at(shoulder, _far(stance, "upper_arm"), UPPER_ARM)
    far_hand = _at(far_elbow, _far(stance, "forearm"), FOREARM)
    knee, ankle, heel, toe = _leg(hip, stance.thigh, stance.shin, stance.foot)
    far_knee, far_ankle, far_heel, far_toe = _leg(
        hip, _far(stance, "thigh"), _far(stance, "shin"), _far(stance, "foot")
    )
    return {
        "hip": hip,
        "shoulder": shoulder,
        "chest": chest,
        "waist": waist,
        "back": back,
        "head": head,
        "elbow": elbow,
        "hand": hand,
        "knee": knee,
        "ankle": ankle,
        "heel": heel,
        "toe": toe,
        "far_elbow": far_elbow,
        "far_hand": far_hand,
        "far_knee": far_knee,
        "far_ankle": far_ankle,
        "far_heel": far_heel,
        "far_toe": far_toe,
    }


# Shapes, in model units; drawn through a transform to viewBox units -------------------------


Transform = tuple[float, float, float]  # scale, x offset, y offset (floor)


def _fmt(value: float) -> str:
    text = f"{value:.1f}"
    return "0.0" if text == "-0.0" else text


def _xy(tf: Transform, p: Point) -> str:
    return f"{_fmt(tf[1] + tf[0] * p[0])},{_fmt(tf[2] + tf[0] * p[1])}"


@dataclass(frozen=True)
class _Circle:
    c: Point
    r: float

    def extent(self) -> Iterator[tuple[Point, float]]:
        yield self.c, self.r

    def svg(self, tf: Transform) -> str:
        x, y = _xy(tf, self.c).split(",")
        return f'<circle cx="{x}" cy="{y}" r="{_fmt(self.r * tf[0])}"/>'


@dataclass(frozen=True)
class _Poly:
    points: tuple[Point, ...]

    def extent(self) -> Iterator[tuple[Point, float]]:
        for p in self.points:
            yield p, 0.0

    def svg(self, tf: Transform) -> str:
        path = " L".join(_xy(tf, p) for p in self.points)
        return f'<path d="M{path} Z"/>'


@dataclass(frozen=True)
class _Rect:
    x0: float
    y0: float
    x1: float
    y1: float
    rx: float = 0.0

    def extent(self) -> Iterator[tuple[Point, float]]:
        yield (self.x0, self.y0), 0.0
        yield (self.x1, self.y1), 0.0

    def svg(self, tf: Transform) -> str:
        s = tf[0]
        x, y = _xy(tf, (self.x0, self.y0)).split(",")
        w, h = _fmt((self.x1 - self.x0) * s), _fmt((self.y1 - self.y0) * s)
        rounded = f' rx="{_fmt(self.rx * s)}"' if self.rx else ""
        return f'<rect x="{x}" y="{y}" width="{w}" height="{h}"{rounded}/>'


@dataclass(frozen=True)
class _Line:
    a: Point
    b: Point
    width: float  # model units

    def extent(self) -> Iterator[tuple[Point, float]]:
        yield self.a, self.width / 2
        yield self.b, self.width / 2

    def svg(self, tf: Transform) -> str:
        (x1, y1), (x2, y2) = _xy(tf, self.a).split(","), _xy(tf, self.b).split(",")
        return (
            f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" '
            f'stroke-width="{_fmt(self.width * tf[0])}"/>'
        )


@dataclass(frozen=True)
class _Arrow:
    a: Point
    control: Point
    b: Point

    def extent(self) -> Iterator[tuple[Point, float]]:
        for p in (self.a, self.control, self.b):
            yield p, 0.03  # room for the arrowhead

    def svg(self, tf: Transform) -> str:
        return (
            f'<path class="arrow" d="M{_xy(tf, self.a)} Q{_xy(tf, self.control)} '
            f'{_xy(tf, self.b)}"/>'
        )


_Shape = _Circle | _Poly | _Rect | _Line | _Arrow


@dataclass
class _Group:
    attrs: dict[str, str]
    items: Sequence[_Shape | _Group] = ()
    pad: float = 0.0  # a stroke around the shapes, in model units

    def extent(self) -> Iterator[tuple[Point, float]]:
        for item in self.items:
            for p, r in item.extent():
                yield p, r + self.pad

    def svg(self, tf: Transform) -> str:
        attrs = dict(self.attrs)
        if self.pad:
            attrs["stroke-width"] = _fmt(2 * self.pad * tf[0])
        head = " ".join(f'{k}="{v}"' for k, v in attrs.items())
        return f"<g {head}>" + "".join(item.svg(tf) for item in self.items) + "</g>"


# The figure -----------------------------------------------------------------------------------


def _capsule(a: Point, ra: float, b: Point, rb: float) -> list[_Shape]:
    """A rounded segment tapering from radius ``ra`` at ``a`` to ``rb`` at ``b``."""
    shapes: list[_Shape] = [_Circle(a, ra), _Circle(b, rb)]
    d = _norm(_sub(b, a))
    if d <= abs(ra - rb) + 1e-9:
        return shapes
    ux, uy = (b[0] - a[0]) / d, (b[1] - a[1]) / d
    phi = math.acos(max(-1.0, min(1.0, (ra - rb) / d)))
    sides = []
    for sign in (1, -1):
        c, s = math.cos(phi), math.sin(phi) * sign
        sides.append((ux * c - uy * s, ux * s + uy * c))
    (n1x, n1y), (n2x, n2y) = sides
    hull = (
        (a[0] + ra * n1x, a[1] + ra * n1y),
        (b[0] + rb * n1x, b[1] + rb * n1y),
        (b[0] + rb * n2x, b[1] + rb * n2y),
        (a[0] + ra * n2x, a[1] + ra * n2y),
    )
    return [_Poly(hull), *shapes]


def _arm(p: Mapping[str, Point], prefix: str) -> list[_Shape]:
    elbow, hand = p[f"{prefix}elbow"], p[f"{prefix}hand"]
    return [
        *_capsule(p["shoulder"], SHOULDER_R, elbow, ELBOW_R),
        *_capsule(elbow, ELBOW_R, hand, HAND_R),
    ]


def _leg_shapes(p: Mapping[str, Point], prefix: str) -> list[_Shape]:
    knee, ankle = p[f"{prefix}knee"], p[f"{prefix}ankle"]
    heel, toe = p[f"{prefix}heel"], p[f"{prefix}toe"]
    return [
        *_capsule(p["hip"], HIP_R, knee, KNEE_R),
        *_capsule(knee, KNEE_R, ankle, ANKLE_R),
        _Poly((ankle, heel, toe)),
        *_capsule(ankle, ANKLE_R, heel, HEEL_R),
        *_capsule(heel, HEEL_R, toe, TOE_R),
        *_capsule(ankle, ANKLE_R, toe, TOE_R),
    ]


def _nose(stance: Stance, head: Point) -> _Poly:
    face = stance.head + 100  # the face looks forward, the nose a little below the eyes
    tip = _at(head, face, HEAD_R + NOSE)
    return _Poly((_at(head, face - 24, HEAD_R * 0.95), tip, _at(head, face + 14, HEAD_R)))


def _body(stance: Stance, p: Mapping[str, Point]) -> list[_Shape]:
    shapes: list[_Shape] = [
        *_capsule(p["hip"], PELVIS_R, p["waist"], WAIST_R),
        *_capsule(p["waist"], WAIST_R, p["chest"], CHEST_R),
        *_capsule(p["shoulder"], NECK_R, p["head"], NECK_R),
        _Circle(p["head"], HEAD_R),
    ]
    if not stance.facing_viewer:
        shapes.append(_nose(stance, p["head"]))
    return shapes


def _eyes(stance: Stance, head: Point) -> _Group:
    """A face turned to the viewer: two eyes across the head, above its centre."""
    up = stance.head  # the top of the head points this way
    centre = _at(head, up, HEAD_R * 0.2)
    return _Group(
        {"fill": WHITE},
        [_Circle(_at(centre, up + side, HEAD_R * 0.38), HEAD_R * 0.14) for side in (90, -90)],
    )


def _near(shapes: list[_Shape]) -> list[_Group]:
    """Near limbs: a white outline first, so they stand out against the trunk."""
    return [
        _Group({"class": "halo", "fill": WHITE, "stroke": WHITE}, list(shapes), pad=HALO),
        _Group({"fill": NEAR}, list(shapes)),
    ]


def _figure(
    stance: Stance,
    p: Mapping[str, Point],
    role: str,
    ghost: bool,
    belly: Sequence[_Group] = (),
) -> _Group:
    """The person; ``belly``: a cue on the trunk, under the near arm (hands on the belly)."""
    far = _Group({"fill": FAR}, [*_arm(p, "far_"), *_leg_shapes(p, "far_")])
    body = _Group({"fill": NEAR}, _body(stance, p))
    attrs = {"class": f"figure {role}"}
    if ghost:
        attrs["opacity"] = GHOST_OPACITY
    face = [_eyes(stance, p["head"])] if stance.facing_viewer else []
    near = [*_near(_leg_shapes(p, "")), *_near(_arm(p, ""))]
    return _Group(attrs, [far, body, *belly, *face, *near])


def _solid_extent(stance: Stance, p: Mapping[str, Point]) -> list[tuple[str, Point, float]]:
    """Every disc of the figure, named, for finding its lowest point and what touches down."""
    discs = [
        ("hip", p["hip"], PELVIS_R),
        ("chest", p["chest"], CHEST_R),
        ("waist", p["waist"], WAIST_R),
        ("head", p["head"], HEAD_R),
        ("nose", _at(p["head"], stance.head + 100, HEAD_R + NOSE), 0.0),
    ]
    for prefix in ("", "far_"):
        discs += [
            (f"{prefix}elbow", p[f"{prefix}elbow"], ELBOW_R),
            (f"{prefix}hand", p[f"{prefix}hand"], HAND_R),
            (f"{prefix}knee", p[f"{prefix}knee"], KNEE_R),
            (f"{prefix}ankle", p[f"{prefix}ankle"], ANKLE_R),
            (f"{prefix}heel", p[f"{prefix}heel"], HEEL_R),
            (f"{prefix}toe", p[f"{prefix}toe"], TOE_R),
        ]
    return discs


def _moved(p: Mapping[str, Point], dx: float, dy: float) -> dict[str, Point]:
    return {name: (x + dx, y + dy) for name, (x, y) in p.items()}


# Placement ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Ground:
    """What a figure rests on: the floor (or a bed) and perhaps a step (x0, x1, top)."""

    base: float = 0.0
    step: tuple[float, float, float] | None = None

    def at(self, x: float) -> float:
        if self.step is not None and self.step[0] <= x <= self.step[1]:
            return min(self.base, self.step[2])
        return self.base


@dataclass
class _Placed:
    stance: Stance
    points: dict[str, Point]
    discs: list[tuple[str, Point, float]]
    seat_top: float | None  # the seat under the pelvis, when sitting on something

    def touching(self, ground: _Ground) -> set[str]:
        """Names of the discs resting on the ground (floor, step or the bed lain on)."""
        return {n for n, c, r in self.discs if c[1] + r >= ground.at(c[0]) - 0.012}

    def shifted(self, dx: float, dy: float = 0.0) -> _Placed:
        points = _moved(self.points, dx, dy)
        seat = None if self.seat_top is None else self.seat_top + dy
        return _Placed(self.stance, points, _solid_extent(self.stance, points), seat)


def _seat_prop(props: Collection[Prop]) -> Prop | None:
    for prop in (Prop.CHAIR, Prop.BOX, Prop.BED, Prop.STEP):
        if prop in props:
            return prop
    return None


def _place(stance: Stance, props: Collection[Prop], extras: Collection[str]) -> _Placed:
    """The figure lowered onto the floor or a bed, or sat on its seat."""
    rel = joint_positions(stance)
    bottom = max(c[1] + r for _, c, r in _solid_extent(stance, rel))
    seat_top: float | None = None
    if stance.seated and "bike" in extras:
        hip_y = -PEDAL_H - bottom  # the saddle is set so the lower pedal clears the floor
        seat_top = hip_y + PELVIS_R
    elif stance.seated and _seat_prop(props) is not None:
        hip_y = min(-SEAT_H - PELVIS_R, -bottom)  # feet flat on the floor, never below it
        seat_top = hip_y + PELVIS_R
    else:
        hip_y = (-BED_H if Prop.BED in props else 0.0) - bottom
        if stance.seated and hip_y + PELVIS_R < -0.05:  # sitting on nothing: give it a stool
            seat_top = hip_y + PELVIS_R
    points = _moved(rel, 0.0, hip_y)
    return _Placed(stance, points, _solid_extent(stance, points), seat_top)


def _align(start: _Placed, end: _Placed, ground: _Ground, same_seat: bool) -> float:
    """How far to move the end figure so that what rests on the ground in both stays put.

    The start figure already stands where it belongs (on a step, perhaps); the end figure
    has only been lowered onto the floor. Feet that stay planted win over the rest (a
    bridge keeps its feet); a pelvis that stays on its seat keeps its place.
    """
    hips = start.points["hip"][0] - end.points["hip"][0]
    if same_seat:
        return hips
    common = (start.touching(ground) & end.touching(_Ground(ground.base))) - {"nose"}
    feet = {n for n in common if n.endswith(("heel", "toe"))}
    anchors = feet or common
    if not anchors:
        return hips
    where_start = {n: c for n, c, _ in start.discs}
    where_end = {n: c for n, c, _ in end.discs}
    return sum(where_start[n][0] - where_end[n][0] for n in anchors) / len(anchors)


def _feet(figure: _Placed) -> list[tuple[float, float, float]]:
    """Per foot (near, far): back x, front x and the height of the sole."""
    out = []
    for prefix in ("", "far_"):
        parts = [(c, r) for n, c, r in figure.discs if n in (f"{prefix}heel", f"{prefix}toe")]
        xs = [c[0] for c, _ in parts]
        out.append((min(xs) - 0.03, max(xs) + 0.03, max(c[1] + r for c, r in parts)))
    return out


def _step(start: _Placed) -> tuple[float, float, float]:
    """A step under the higher foot, or under both feet when they are level."""
    (nx0, nx1, ny), (fx0, fx1, fy) = _feet(start)
    if abs(ny - fy) > 0.04:
        x0, x1, y = (nx0, nx1, ny) if ny < fy else (fx0, fx1, fy)
        middle, half = (x0 + x1) / 2, max(0.14, (x1 - x0) / 2 + 0.04)
        return (middle - half, middle + half, y)
    return (min(nx0, fx0) - 0.1, max(nx1, fx1) + 0.02, -STEP_H)


def _drop(figure: _Placed, ground: _Ground) -> _Placed:
    """Lower (or raise) a figure until it rests on the ground (the floor or the step)."""
    return figure.shifted(0.0, min(ground.at(c[0]) - (c[1] + r) for _, c, r in figure.discs))


def _reach(figure: _Placed) -> Point | None:
    """The hand that reaches out in front of the body (to a wall or a chair), if one does."""
    hand = max((figure.points["hand"], figure.points["far_hand"]), key=lambda p: p[0])
    in_front = hand[0] > figure.points["chest"][0] + CHEST_R + 0.1
    return hand if in_front and hand[1] < figure.points["hip"][1] + 0.05 else None


# Props ----------------------------------------------------------------------------------------


def _chair(back_x: float, seat_top: float, back_top: float | None = None) -> list[_Shape]:
    """A chair seen from the side, its back at ``back_x`` and the seat in front of it."""
    front_x = back_x + SEAT_DEPTH
    x0, x1 = back_x, front_x
    top = seat_top - CHAIR_BACK if back_top is None else back_top
    return [
        _Line((back_x, top), (back_x, 0.0), PROP_W),  # back and back leg
        _Line((front_x, seat_top + 0.018), (front_x, 0.0), PROP_W),
        _Rect(x0 - PROP_W / 2, seat_top, x1 + PROP_W / 2, seat_top + 0.036, 0.012),
    ]


def _block(x0: float, x1: float, top: float) -> _Rect:
    return _Rect(x0, top, x1, 0.0, 0.012)


def _stool(hip_x: float, seat_top: float) -> list[_Shape]:
    return [
        _Rect(hip_x - 0.1, seat_top, hip_x + 0.08, seat_top + 0.035, 0.015),
        _Line((hip_x - 0.01, seat_top), (hip_x - 0.01, 0.0), PROP_W),
        _Line((hip_x - 0.12, -PROP_W / 2), (hip_x + 0.1, -PROP_W / 2), PROP_W),
    ]


def _bed(x0: float, x1: float, top: float) -> list[_Shape]:
    return [
        _Rect(x0, top, x1, top + 0.07, 0.02),
        _Line((x0 + 0.04, top + 0.05), (x0 + 0.04, 0.0), PROP_W),
        _Line((x1 - 0.04, top + 0.05), (x1 - 0.04, 0.0), PROP_W),
    ]


def _bike(figure: _Placed, seat_top: float) -> list[_Shape]:
    """An exercise bike: saddle under the pelvis, pedals at the feet, bars at the hands."""
    p = figure.points
    hip_x = p["hip"][0]
    (ax, ay), (bx, by) = p["ankle"], p["far_ankle"]
    crank = ((ax + bx) / 2, (ay + by) / 2)
    front = (crank[0] + 0.22, -PROP_W / 2)
    hand = max((p["hand"], p["far_hand"]), key=lambda q: q[0])
    bars = (max(hand[0], front[0] + 0.05), min(hand[1] + HAND_R, crank[1] - 0.15))
    return [
        _Line((crank[0] - 0.3, -PROP_W / 2), (crank[0] + 0.3, -PROP_W / 2), PROP_W),  # base
        _Line((hip_x - 0.02, seat_top), crank, PROP_W),  # seat post
        _Line(crank, (crank[0] - 0.05, 0.0), PROP_W),
        _Line(front, bars, PROP_W),
        _Line(bars, (bars[0] - 0.06, bars[1] - 0.01), PROP_W),  # the grip
        _Rect(hip_x - 0.08, seat_top, hip_x + 0.08, seat_top + 0.03, 0.015),  # saddle
        _Circle(crank, 0.05),
        _Line((ax, ay), crank, PROP_W / 2),  # crank arms to the pedals
        _Line(crank, (bx, by), PROP_W / 2),
    ]


def _held_box(hand: Point) -> _Rect:
    w, h = 0.17, 0.13
    x, y = hand
    top = min(y - h / 2, -h)  # held at its middle, never through the floor
    return _Rect(x - w / 2, top, x + w / 2, top + h, 0.01)


def _span(figures: Iterable[_Placed], near: float) -> tuple[float, float]:
    xs = [c[0] for f in figures for _, c, r in f.discs if c[1] + r >= near]
    return (min(xs), max(xs)) if xs else (-0.25, 0.25)


def _upright(stance: Stance) -> bool:
    return math.cos(math.radians(stance.trunk)) > 0.7


def _water(figures: Sequence[_Placed]) -> tuple[list[_Placed], list[_Group]]:
    """A pool: standing up to the chest in it, or swimming at its surface."""
    solid = figures[-1]
    if _upright(solid.stance):
        surface = solid.points["shoulder"][1] + 0.09
    else:
        surface = -0.5
        lift = surface + 0.04 - solid.points["hip"][1]
        figures = [f.shifted(0.0, lift) for f in figures]
    x0 = min(c[0] - r for f in figures for _, c, r in f.discs)
    x1 = max(c[0] + r for f in figures for _, c, r in f.discs)
    middle, half = (x0 + x1) / 2, max(0.95, (x1 - x0) / 2 + 0.1)
    x0, x1 = middle - half, middle + half
    return list(figures), [
        _Group({"class": "water", "fill": WATER, "opacity": "0.3"}, [_Rect(x0, surface, x1, 0)]),
        _Group({"class": "water", "stroke": WATER}, [_Line((x0, surface), (x1, surface), 0.012)]),
    ]


# The animation --------------------------------------------------------------------------------


def _turn_between(a: float, b: float, t: float) -> float:
    """The angle a fraction ``t`` of the way from ``a`` to ``b``, the short way round."""
    delta = (b - a + 180.0) % 360.0 - 180.0
    return (a + delta * t) % 360.0


def interpolate(start: Stance, end: Stance, t: float) -> Stance:
    """The position a fraction ``t`` (0 to 1) of the way from ``start`` to ``end``.

    Every segment turns the short way round; the far limbs follow their own angles. The
    person sits only while seated at both ends; the face turns at half way.
    """
    angles = {name: _turn_between(getattr(start, name), getattr(end, name), t) for name in SEGMENTS}
    far = Limbs(**{name: _turn_between(_far(start, name), _far(end, name), t) for name in LIMBS})
    return Stance(
        **angles,
        far=far,
        spine=start.spine + (end.spine - start.spine) * t,
        seated=start.seated and end.seated,
        facing_viewer=(start if t < 0.5 else end).facing_viewer,
    )


def _eased(k: int, steps: int) -> float:
    """How far along frame ``k`` of ``steps`` is: slow near both ends, as people move."""
    return (1 - math.cos(math.pi * k / (steps - 1))) / 2


def _lerp(a: Point, b: Point, t: float) -> Point:
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)


def _between(
    start: _Placed, end: _Placed, pose: Pose, extras: Collection[str], ground: _Ground
) -> list[_Placed]:
    """The positions between start and end, placed like the end position.

    On a seat at both ends, on a bed or swimming, the pelvis glides from its start to its
    end place. Otherwise each position rests on the floor or the step, with the same planted
    feet; in a rhythmic movement (walking) the hips move on evenly instead.
    """
    props = pose.props
    seated = start.seat_top is not None and end.seat_top is not None
    swimming = "pool" in extras and not _upright(end.stance)
    glide = seated or swimming or Prop.BED in props
    between = []
    for k in range(1, FRAMES - 1):
        t = _eased(k, FRAMES)
        stance = interpolate(start.stance, end.stance, t)
        if glide:
            hip = _lerp(start.points["hip"], end.points["hip"], t)
            points = _moved(joint_positions(stance), *hip)
            seat = None
            if start.seat_top is not None and end.seat_top is not None:
                seat = start.seat_top + (end.seat_top - start.seat_top) * t
            placed = _Placed(stance, points, _solid_extent(stance, points), seat)
        else:
            placed = _place(stance, props, extras)
            if pose.rhythmic:
                dx = start.points["hip"][0] + (end.points["hip"][0] - start.points["hip"][0]) * t
                placed = placed.shifted(dx - placed.points["hip"][0])
            else:
                placed = placed.shifted(_align(start, placed, ground, same_seat=False))
            if ground.step is not None:
                placed = _drop(placed, ground)
        between.append(placed)
    return between


@dataclass(frozen=True)
class Timing:
    """One cycle of the animation, in seconds: a pause in the start position, the move to
    the end position, the hold there, and the move back. A held position with a cue of its
    own does not move: it rests, then holds (tightens, or breathes in)."""

    rest: float
    move: float
    hold: float

    @property
    def cycle(self) -> float:
        return self.rest + 2 * self.move + self.hold


def timing(pose: Pose, dosage: Dosage | None = None) -> Timing:
    """The animation's timing: the end position is held as long as the dosage holds it.

    A rhythmic movement swings evenly without a pause; a braced position tightens for the
    hold time and relaxes; a breath goes in and out slowly.
    """
    held = None if dosage is None else dosage.hold_seconds
    if pose.end is None:
        if pose.cue is Cue.BREATHE:
            return Timing(BREATH_OUT_SECONDS, 0.0, BREATH_IN_SECONDS)
        return Timing(RELAX_SECONDS, 0.0, float(held or DEFAULT_HOLD_SECONDS))
    if pose.rhythmic:
        step = STRIDE_SECONDS / (FRAMES - 2)
        return Timing(step, STRIDE_SECONDS, step)
    return Timing(PAUSE_SECONDS, MOVE_SECONDS, float(held or PAUSE_SECONDS))


def _schedule(frames: int, when: Timing) -> list[list[tuple[float, float]]]:
    """When each frame shows, in seconds into the cycle: the first in the pause, the last
    for the hold, those between once on the way there and once on the way back."""
    step = when.move / (frames - 2) if frames > 2 else 0.0
    back = when.rest + when.move + when.hold
    shows = [[(0.0, when.rest)]]
    for k in range(1, frames - 1):
        there, again = when.rest + (k - 1) * step, back + (frames - 2 - k) * step
        shows.append([(there, there + step), (again, again + step)])
    shows.append([(when.rest + when.move, back)])
    return shows


def _number(value: float, places: int) -> str:
    text = f"{value:.{places}f}".rstrip("0").rstrip(".")
    return text or "0"


def _animate(shows: Sequence[tuple[float, float]], cycle: float) -> str:
    """SMIL: visible during ``shows``, hidden otherwise, in a loop of ``cycle`` seconds."""
    keys = [(0.0, "hidden")]
    for begin, end in shows:
        if begin <= 0:
            keys[0] = (0.0, "visible")
        else:
            keys.append((begin, "visible"))
        if end < cycle - 1e-9:
            keys.append((end, "hidden"))
    times = ";".join(_number(t / cycle, 4) for t, _ in keys)
    values = ";".join(value for _, value in keys)
    return (
        f'<animate attributeName="visibility" values="{values}" keyTimes="{times}" '
        f'dur="{_number(cycle, 2)}s" calcMode="discrete" repeatCount="indefinite"/>'
    )


# Cues -----------------------------------------------------------------------------------------


def _head(tip: Point, angle: float) -> _Poly:
    """An arrowhead pointing at ``angle``."""
    base = _at(tip, angle, -0.04)
    return _Poly((tip, _at(base, angle + 90, 0.024), _at(base, angle - 90, 0.024)))


def _cue(cue: Cue | None, figure: _Placed, phase: str) -> tuple[list[_Group], list[_Group]]:
    """What the cue adds to a figure: on its belly (under the arms), and around it.

    ``phase``: "still" (the still picture), "rest" or "hold" (the animation's two moments).
    Bracing lights the belly up and draws marks around it while held; breathing draws an
    arrow off the belly, up and down in the still picture, one way per moment when moving.
    """
    if cue is None:
        return [], []
    p = figure.points
    front = figure.stance.trunk + 90  # the way the belly faces
    attrs = {"class": f"cue {cue.value}", "fill": CUE, "stroke": CUE, "stroke-width": "0"}
    if cue is Cue.BRACE:
        if phase == "rest":
            return [], []
        inside = [_at(p[name], front, WAIST_R * 0.4) for name in ("hip", "waist", "chest")]
        low, middle, high = inside
        belly = [
            *_capsule(_lerp(middle, low, 0.6), WAIST_R * 0.5, middle, WAIST_R * 0.6),
            *_capsule(middle, WAIST_R * 0.6, _lerp(middle, high, 0.6), WAIST_R * 0.5),
        ]
        marks = [
            _Line(
                _at(p["waist"], front + side, WAIST_R + 0.035),
                _at(p["waist"], front + side, WAIST_R + 0.085),
                0.014,
            )
            for side in (-40, 0, 40)
        ]
        lit = {**attrs, "fill": BELLY, "stroke": BELLY}
        return [_Group(lit, belly)], [_Group(attrs, marks)]
    low = _at(p["waist"], front, WAIST_R + 0.035)
    high = _at(p["waist"], front, WAIST_R + 0.16)
    shapes: list[_Shape] = [_Line(_at(low, front, 0.03), _at(high, front, -0.03), 0.014)]
    if phase != "rest":  # breathing in: the belly rises
        shapes.append(_head(high, front))
    if phase != "hold":  # breathing out: it falls
        shapes.append(_head(low, front + 180))
    return [], [_Group(attrs, shapes)]


# The scene ------------------------------------------------------------------------------------


Picture = list[_Group]  # a figure with what belongs to it (a band, a cue's marks)


@dataclass
class _Scene:
    props: list[_Group]  # behind the figures
    still: Picture  # the end position over the faint start (or the held position)
    frames: list[Picture]  # the animation's pictures, shown in turn ([] when still)
    front: list[_Group]  # in front of the figures (water)
    arrows: list[_Arrow]

    def items(self) -> Iterator[_Shape | _Group]:
        yield from self.props
        yield from self.still
        for frame in self.frames:
            yield from frame
        yield from self.front
        yield from self.arrows


def _layout(pose: Pose, extras: Collection[str] = (), animate: bool = False) -> _Scene:
    """Place the figures and their props; ``extras``: equipment the pose has no prop for.

    ``animate``: also the positions between start and end, or a held cue's two moments.
    """
    props = set(pose.props)
    seat = _seat_prop(props)
    seated_on_step = seat is Prop.STEP and any(s.seated for s in _stances(pose))
    start = _place(pose.start, props, extras)
    end = None if pose.end is None else _place(pose.end, props, extras)
    ground = _Ground(-BED_H if Prop.BED in props else 0.0)
    if Prop.STEP in props and not seated_on_step:
        ground = _Ground(ground.base, _step(start))
        start = _drop(start, ground)
    if end is not None:
        same_seat = start.seat_top is not None and (end.seat_top is not None or seat is Prop.BED)
        end = end.shifted(_align(start, end, ground, same_seat))
        if ground.step is not None and end.seat_top is None:
            end = _drop(end, ground)
    figures = [start]
    if end is not None:
        between = _between(start, end, pose, extras, ground) if animate else []
        figures = [start, *between, end]
    front: list[_Group] = []
    if "pool" in extras:
        figures, front = _water(figures)
    shapes: list[_Shape | _Group] = []
    if Prop.MAT in props:
        x0, x1 = _span(figures, ground.base - 0.12)
        if x1 - x0 < 0.5:
            x0, x1 = (x0 + x1) / 2 - 0.25, (x0 + x1) / 2 + 0.25
        shapes.append(_Rect(x0 - 0.08, ground.base - MAT_T, x1 + 0.08, ground.base, MAT_T / 2))
    if Prop.WALL in props:
        reach = _reach(figures[-1])
        if reach is not None:  # a hand on the wall in front
            x = reach[0] + HAND_R + PROP_W / 2
        else:  # the back against the wall
            x = min(c[0] - r for f in figures for _, c, r in f.discs) - PROP_W / 2
        shapes.append(_Line((x, -1.15), (x, 0.0), PROP_W))
    sitter = next((f for f in reversed(figures) if f.seat_top is not None), None)
    if sitter is not None and sitter.seat_top is not None:
        hip_x, top = sitter.points["hip"][0], sitter.seat_top
        if "bike" in extras:
            shapes += _bike(sitter, top)
        elif seat is Prop.CHAIR:
            shapes += _chair(hip_x - PELVIS_R - 0.035, top)
        elif seat is Prop.BED:
            shapes += _bed(hip_x - 0.9, hip_x + 0.12, top)
        elif seat in (Prop.BOX, Prop.STEP):
            shapes.append(_block(hip_x - 0.12, hip_x + 0.14, top))
        else:
            shapes += _stool(hip_x, top)
    if Prop.CHAIR in props and seat is Prop.CHAIR and sitter is None:  # a chair to hold on to
        reach = _reach(figures[-1])
        if reach is not None:  # the hand rests on the chair's back
            top = max(-SEAT_H - CHAIR_BACK - 0.12, min(reach[1] + HAND_R, -SEAT_H - 0.15))
            shapes += _chair(reach[0], -SEAT_H, top)
        else:
            low = [c[0] + r for f in figures for _, c, r in f.discs if c[1] > -0.35]
            shapes += _chair(max(low, default=0.3) + 0.06, -SEAT_H)
    if Prop.BED in props and sitter is None:
        x0, x1 = _span(figures, ground.base - 0.15)
        shapes += _bed(x0 - 0.1, x1 + 0.1, ground.base)
    if ground.step is not None:
        x0, x1, top = ground.step
        shapes.append(_Rect(x0, top, x1, 0.0, 0.01))
    held = Prop.BOX in props and (sitter is None or seat is not Prop.BOX)
    anchor = _add(figures[0].points["hand"], (0.3, 0.0))
    if pose.band is not None and "anchor" in pose.band:  # a door post to tie the band to
        shapes.append(_Line((anchor[0] + 0.03, -1.15), (anchor[0] + 0.03, 0.0), PROP_W))

    def picture(placed: _Placed, role: str, ghost: bool, phase: str | None) -> Picture:
        belly, marks = _cue(pose.cue, placed, phase) if phase else ([], [])
        group = _figure(placed.stance, placed.points, role, ghost, belly)
        if held:
            box = _Group({"class": "held", "fill": PROP}, [_held_box(placed.points["hand"])])
            items = list(group.items)
            group = _Group(group.attrs, [*items[:-2], box, *items[-2:]])  # between the arms
        drawn = [group]
        if pose.band is not None:
            ends = [anchor if name == "anchor" else placed.points[name] for name in pose.band]
            attrs = {"class": "band", "stroke": BAND, "stroke-linecap": "round"}
            if ghost:
                attrs["opacity"] = GHOST_OPACITY
            drawn.append(_Group(attrs, [_Line(ends[0], ends[1], BAND_W)]))
        return drawn + marks

    still = picture(figures[0], "start", end is not None, None if end else "still")
    frames: list[Picture] = []
    if end is not None:
        still += picture(figures[-1], "end", False, "still")
        if animate:
            last = len(figures) - 1
            frames = [
                picture(f, "frame", False, "hold" if i == last else None)
                for i, f in enumerate(figures)
            ]
    elif animate and pose.cue is not None:  # a held position: rest, then hold the cue
        frames = [picture(start, "frame", False, phase) for phase in ("rest", "hold")]
    arrows = [_arrow(figures[0], figures[-1], joint) for joint in pose.moves] if end else []
    if pose.turn:
        arrows.append(_turn(figures[-1]))
    attrs = {"class": "props", "fill": PROP, "stroke": PROP, "stroke-width": "0"}
    return _Scene([_Group(attrs, shapes)], still, frames, front, arrows)


def _turn(figure: _Placed) -> _Arrow:
    """Turning the trunk, seen from the side: the front half of a circle around the chest."""
    chest = figure.points["chest"]
    return _Arrow(_add(chest, (-0.15, -0.03)), _add(chest, (0.0, 0.11)), _add(chest, (0.15, -0.03)))


def _stances(pose: Pose) -> list[Stance]:
    return [pose.start] if pose.end is None else [pose.start, pose.end]


def _back_arrow(start: _Placed, end: _Placed) -> _Arrow:
    """The back rising or sinking: a short straight arrow just outside it (over the belly
    for someone lying on their back), at least 0.14 long."""
    out = _dir(start.stance.trunk - 90)
    if out[1] > 0.5:  # the back faces the floor
        out = (-out[0], -out[1])
    gap = WAIST_R + 0.04
    move = _sub(end.points["waist"], start.points["waist"])
    rise = move[0] * out[0] + move[1] * out[1]
    length = max(abs(rise), 0.14)
    if rise < 0:  # sinking: the arrow points at the end position's back
        tip = _add(end.points["waist"], out, gap)
        tail = _add(tip, out, length)
    else:
        tail = _add(start.points["waist"], out, gap)
        tip = _add(tail, out, length)
    return _Arrow(tail, _lerp(tail, tip, 0.5), tip)


def _arrow(start: _Placed, end: _Placed, joint: Joint) -> _Arrow:
    """A curved arrow just beside the joint's path, bulging away from what it turns about."""
    name = joint.value
    if joint is Joint.BACK:
        return _back_arrow(start, end)
    a, b = start.points[name], end.points[name]
    pivot = start.points[PIVOT[name]]
    chord = _sub(b, a)
    length = _norm(chord)
    along = _unit(chord, _unit((-(a[1] - pivot[1]), a[0] - pivot[0]), (1.0, 0.0)))
    mid = _add(a, chord, 0.5)
    normal = (-along[1], along[0])
    away = _sub(mid, pivot)
    if normal[0] * away[0] + normal[1] * away[1] < 0:
        normal = (-normal[0], -normal[1])
    if length < 0.16:  # a small movement still gets a readable arrow
        a, b = _add(mid, along, -0.08), _add(mid, along, 0.08)
        length = 0.16
    bend = (0.12 if name == "hip" else 0.22) * length
    offset = 0.07
    if max(a[1], b[1]) + (offset + bend) * normal[1] > -0.02:  # it would run into the floor
        normal = (-normal[0], -normal[1])
    a, b = _add(a, normal, offset), _add(b, normal, offset)
    control = _add(_add(a, _sub(b, a), 0.5), normal, 2 * bend)
    # Trim the ends so the arrow starts and stops just clear of the body.
    t0, t1 = 0.08, 0.92

    def at(t: float) -> Point:
        u = 1 - t
        return (
            u * u * a[0] + 2 * u * t * control[0] + t * t * b[0],
            u * u * a[1] + 2 * u * t * control[1] + t * t * b[1],
        )

    blossom = (
        a[0] * (1 - t0) * (1 - t1) + control[0] * ((1 - t0) * t1 + t0 * (1 - t1)) + b[0] * t0 * t1,
        a[1] * (1 - t0) * (1 - t1) + control[1] * ((1 - t0) * t1 + t0 * (1 - t1)) + b[1] * t0 * t1,
    )
    return _Arrow(at(t0), blossom, at(t1))


def bounds(items: Iterable[_Shape | _Group]) -> tuple[float, float, float, float]:
    """What ``items`` cover, in body heights (x0, y0, x1, y1), with the floor line."""
    x_lo = y_lo = math.inf
    x_hi = y_hi = -math.inf
    for item in items:
        for (x, y), r in item.extent():
            x_lo, x_hi = min(x_lo, x - r), max(x_hi, x + r)
            y_lo, y_hi = min(y_lo, y - r), max(y_hi, y + r)
    floor = FLOOR_W / 2 / SCALE
    return x_lo, min(y_lo, -floor), x_hi, max(y_hi, floor)


def _size(width: int, ratio: float) -> tuple[int, int]:
    """Width and height in pixels: the picture's shape, fitted in ``width`` by 3/4 of it."""
    if ratio >= 1 / BOX_RATIO:
        return width, max(1, round(width / ratio))
    height = width * BOX_RATIO
    return max(1, round(height * ratio)), max(1, round(height))


# The SVG --------------------------------------------------------------------------------------


def _pose_of(
    subject: Exercise | Pose | Stance,
) -> tuple[Pose, str, frozenset[str], Dosage | None]:
    """The pose, a default title, equipment the pose has no prop for (pool, bike), and the
    dosage that times the animation."""
    if isinstance(subject, Pose):
        return subject, "Exercise", frozenset(), None
    if isinstance(subject, Stance):
        return Pose(start=subject), "Exercise", frozenset(), None
    extras = frozenset(item.value for item in subject.equipment) & {"pool", "bike"}
    return subject.pose, subject.name.en, extras, subject.dosage


def render_svg(
    exercise_or_pose: Exercise | Pose | Stance,
    *,
    title: str | None = None,
    width: int = 320,
    lang: Lang = Lang.EN,
    animate: bool = True,
    dosage: Dosage | None = None,
) -> str:
    """The exercise as a standalone SVG, cropped to the figure: the movement animated, and a
    still picture (end position solid, start faint, arrows for ``moves``) for figures.css to
    show instead when motion is unwanted or in print.

    ``title`` (default: the English name) becomes the SVG's ``<title>``; ``width`` is the
    displayed width in pixels of the box the picture fits in (4:3, keeping the picture's
    shape). ``animate=False`` draws the still picture only (for print: PDF renderers do not
    play SMIL). ``dosage``: the one prescribed, when it differs from the exercise's own (a
    program's item): the animation holds the end position for its hold time. Every id in the
    SVG is unique, so several illustrations can be inlined in one page. No script, no style
    element or attribute, no link: the pages' CSP holds.
    """
    drawing = _drawing(exercise_or_pose, title, width, lang, animate, dosage)
    return drawing.replace(_DRAWING_ID, f"bp-{uuid.uuid4().hex[:10]}")


# A drawing is the same every time for the same arguments (the exercises are frozen data),
# and drawing one takes about 2 ms: a patient's "today" page draws each exercise of the
# program. So drawings are kept, with a stand-in for the ids, which each call makes unique.
_DRAWING_ID = "bp-drawing00"


@lru_cache(maxsize=512)
def _drawing(
    exercise_or_pose: Exercise | Pose | Stance,
    title: str | None,
    width: int,
    lang: Lang,
    animate: bool,
    dosage: Dosage | None,
) -> str:
    pose, default_title, extras, own_dosage = _pose_of(exercise_or_pose)
    dosage = dosage or own_dosage
    scene = _layout(pose, extras, animate)
    x0, y0, x1, y1 = bounds(scene.items())
    tf = (SCALE, SCALE * (MARGIN - x0), SCALE * (MARGIN - y0))
    view_w, view_h = SCALE * (x1 - x0 + 2 * MARGIN), SCALE * (y1 - y0 + 2 * MARGIN)
    floor_y = _fmt(tf[2])
    shown_w, shown_h = _size(width, view_w / view_h)
    uid = _DRAWING_ID
    if pose.end is None:
        desc = DESC_HELD(lang)
    else:
        desc = DESC_MOVE(lang)
        if scene.arrows:
            desc += " " + DESC_ARROWS(lang)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="exercise-figure" '
        f'viewBox="0 0 {_fmt(view_w)} {_fmt(view_h)}" width="{shown_w}" height="{shown_h}" '
        f'role="img" aria-labelledby="{uid}-title">',
        f'<title id="{uid}-title">{escape(title or default_title)}</title>',
        f"<desc>{escape(desc)}</desc>",
    ]
    if scene.arrows:
        parts.append(
            f'<defs><marker id="{uid}-arrow" viewBox="0 0 10 10" refX="5" refY="5" '
            f'markerWidth="10" markerHeight="10" markerUnits="userSpaceOnUse" '
            f'orient="auto-start-reverse"><path d="M0,1 L9,5 L0,9 Z" fill="{ARROW}"/></marker>'
            "</defs>"
        )
    parts += [group.svg(tf) for group in scene.props]
    still = "".join(group.svg(tf) for group in scene.still)
    if scene.frames:
        when = timing(pose, dosage)
        shows = _schedule(len(scene.frames), when)
        parts.append(f'<g class="fig-still" display="none">{still}</g>')
        parts.append(
            '<g class="fig-frames">'
            + "".join(
                '<g class="fig-frame" visibility="hidden">'
                + "".join(group.svg(tf) for group in frame)
                + _animate(show, when.cycle)
                + "</g>"
                for frame, show in zip(scene.frames, shows, strict=True)
            )
            + "</g>"
        )
    else:
        parts.append(f'<g class="fig-still">{still}</g>')
    parts += [group.svg(tf) for group in scene.front]
    parts.append(
        f'<line class="floor" x1="0" y1="{floor_y}" x2="{_fmt(view_w)}" y2="{floor_y}" '
        f'stroke="{FLOOR}" stroke-width="{_fmt(FLOOR_W)}"/>'
    )
    if scene.arrows:
        parts.append(
            f'<g class="arrows" fill="none" stroke="{ARROW}" stroke-width="2.5" '
            f'stroke-linecap="round" marker-end="url(#{uid}-arrow)">'
            + "".join(arrow.svg(tf) for arrow in scene.arrows)
            + "</g>"
        )
    parts.append("</svg>")
    return "\n".join(parts)
