"""Exercise illustrations: a proportioned person resting on the floor, in a self-contained SVG,
animated between start and end with a still picture beside it, cropped to what is drawn."""

from __future__ import annotations

import itertools
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from backpath.clinical.language import Lang
from backpath.exercises.library import Dosage, Equipment, Exercise, library
from backpath.exercises.pose import Cue, Joint, Limbs, Pose, Prop, Stance
from backpath.exercises.render import (
    FRAMES,
    MOVE_SECONDS,
    PAUSE_SECONDS,
    STRIDE_SECONDS,
    Timing,
    interpolate,
    joint_positions,
    render_svg,
    timing,
)

NS = "{http://www.w3.org/2000/svg}"
PAIR = re.compile(r"(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)")

STANDING = Stance(trunk=0, head=0, thigh=180, shin=180, foot=90, upper_arm=180, forearm=180)
SUPINE = Stance(trunk=270, head=270, thigh=90, shin=90, foot=0, upper_arm=90, forearm=90)
PRONE = Stance(trunk=90, head=90, thigh=270, shin=270, foot=180, upper_arm=270, forearm=270)
ARMS_UP = STANDING.model_copy(update={"upper_arm": 0, "forearm": 0})
KNEELING = STANDING.model_copy(update={"shin": 270, "foot": 270})
QUADRUPED = Stance(trunk=90, head=100, thigh=180, shin=270, foot=270, upper_arm=180, forearm=180)
BIRD_DOG = QUADRUPED.model_copy(
    update={"far": Limbs(thigh=270, shin=270, foot=0, upper_arm=90, forearm=90)}
)
SITTING = Stance(
    trunk=0, head=0, thigh=90, shin=180, foot=90, upper_arm=180, forearm=120, seated=True
)

POSES = {
    "standing": Pose(start=STANDING),
    "arm raise": Pose(start=STANDING, end=ARMS_UP, moves=(Joint.HAND,)),
    "supine": Pose(props=(Prop.MAT,), start=SUPINE),
    "prone": Pose(props=(Prop.MAT,), start=PRONE),
    "kneeling": Pose(props=(Prop.MAT,), start=KNEELING),
    "bird dog": Pose(
        props=(Prop.MAT,),
        start=QUADRUPED,
        end=BIRD_DOG,
        moves=(Joint.FAR_ANKLE, Joint.FAR_HAND),
    ),
    "wall": Pose(props=(Prop.WALL,), start=STANDING),
}


def svg_of(subject: object, animate: bool = True, dosage: Dosage | None = None) -> ET.Element:
    svg = render_svg(subject, animate=animate, dosage=dosage)  # type: ignore[arg-type]
    return ET.fromstring(svg)


def floor_y(root: ET.Element) -> float:
    floor = next(e for e in root.iter(f"{NS}line") if e.get("class") == "floor")
    assert floor.get("y1") == floor.get("y2")
    return float(floor.get("y1", "nan"))


def classes(element: ET.Element) -> list[str]:
    return element.get("class", "").split()


def still(root: ET.Element) -> ET.Element:
    (group,) = [g for g in root.iter(f"{NS}g") if "fig-still" in classes(g)]
    return group


def frames(root: ET.Element) -> list[ET.Element]:
    return [g for g in root.iter(f"{NS}g") if "fig-frame" in classes(g)]


def figures(root: ET.Element) -> list[ET.Element]:
    """The figures of the still picture: start (faint) and end, or the held position."""
    return [g for g in still(root).iter(f"{NS}g") if "figure" in classes(g)]


def body_shapes(group: ET.Element) -> Iterator[ET.Element]:
    """The coloured shapes of a figure (not the white outline, not a box held in the hands)."""
    for child in group:
        if child.tag == f"{NS}g":
            if child.get("class") not in ("halo", "held"):
                yield from body_shapes(child)
        else:
            yield child


def lowest(figure: ET.Element) -> float:
    bottoms = []
    for shape in body_shapes(figure):
        if shape.tag == f"{NS}circle":
            bottoms.append(float(shape.get("cy", "nan")) + float(shape.get("r", "nan")))
        elif shape.tag == f"{NS}path":
            bottoms += [float(y) for _, y in PAIR.findall(shape.get("d", ""))]
    return max(bottoms)


def props_of(root: ET.Element) -> Iterator[ET.Element]:
    group = next(g for g in root.iter(f"{NS}g") if g.get("class") == "props")
    return iter(group)


def exercise_with(equipment: tuple[Equipment, ...], pose: Pose) -> Exercise:
    return library()["bridge"].model_copy(update={"equipment": equipment, "pose": pose})


def arrows(root: ET.Element) -> list[ET.Element]:
    return [p for p in root.iter(f"{NS}path") if p.get("class") == "arrow"]


def stances(pose: Pose) -> list[Stance]:
    return [pose.start] if pose.end is None else [pose.start, pose.end]


class TestJointPositions:
    def test_it_puts_the_head_above_the_hips_and_the_feet_lowest(self) -> None:
        joints = joint_positions(STANDING)
        assert joints["head"][1] < joints["shoulder"][1] < joints["hip"][1]  # y points down
        feet = {"ankle", "heel", "toe", "far_ankle", "far_heel", "far_toe"}
        lowest_foot = max(joints[name][1] for name in feet)
        assert all(y < lowest_foot for name, (_, y) in joints.items() if name not in feet)

    def test_it_uses_adult_proportions(self) -> None:
        joints = joint_positions(STANDING)
        assert joints["hip"] == (0.0, 0.0)
        assert joints["shoulder"][1] == pytest.approx(-0.30)
        assert joints["knee"][1] == pytest.approx(0.245)
        assert joints["ankle"][1] == pytest.approx(0.49)
        top_of_head = joints["head"][1] - 0.065
        assert joints["heel"][1] - top_of_head == pytest.approx(1.0, abs=0.05)
        assert joints["toe"][0] > joints["ankle"][0] > joints["heel"][0]  # facing right

    def test_it_lays_a_supine_body_flat(self) -> None:
        joints = joint_positions(SUPINE)
        assert joints["head"][1] == pytest.approx(joints["ankle"][1], abs=0.05)
        assert joints["head"][0] < joints["hip"][0] < joints["ankle"][0]  # head to the left
        assert joints["ankle"][0] - joints["head"][0] > 0.8

    def test_it_gives_far_limbs_their_own_angles(self) -> None:
        joints = joint_positions(BIRD_DOG)
        assert joints["far_ankle"][1] == pytest.approx(joints["hip"][1])  # leg straight back
        assert joints["far_ankle"][0] < joints["hip"][0] - 0.45 < joints["ankle"][0]
        assert joints["far_hand"][0] > joints["hand"][0]  # arm straight ahead


class TestTheDrawing:
    def test_it_draws_a_self_contained_svg_with_a_title(self) -> None:
        svg = render_svg(library()["bridge"])
        root = ET.fromstring(svg)
        assert root.tag == f"{NS}svg"
        title = root.find(f"{NS}title")
        assert title is not None
        assert title.text == "Bridge"
        assert root.get("aria-labelledby") == title.get("id")
        assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
        assert not list(root.iter(f"{NS}script"))
        assert "script" not in svg.lower()
        assert "href" not in svg
        assert all(ref.startswith("url(#") for ref in re.findall(r"url\([^)]*\)", svg))

    def test_it_takes_the_title_and_width_it_is_given(self) -> None:
        root = ET.fromstring(render_svg(POSES["standing"], title="Staan & <kijken>", width=640))
        title = root.find(f"{NS}title")
        assert title is not None
        assert title.text == "Staan & <kijken>"
        # A standing person is tall: as high as a 640-wide 4:3 box, keeping its own shape.
        assert root.get("height") == "480"
        assert int(root.get("width", "0")) < 480

    @pytest.mark.parametrize("name", sorted(POSES))
    @pytest.mark.parametrize("width", [96, 320, 640])
    def test_it_fits_the_picture_in_a_4_by_3_box_keeping_its_shape(
        self, name: str, width: int
    ) -> None:
        root = ET.fromstring(render_svg(POSES[name], width=width))
        shown_w, shown_h = int(root.get("width", "0")), int(root.get("height", "0"))
        _, _, view_w, view_h = (float(n) for n in root.get("viewBox", "").split())
        assert shown_w <= width
        assert shown_h <= round(width * 0.75)
        assert shown_w == width or shown_h == round(width * 0.75), "it fills the box one way"
        assert shown_w / shown_h == pytest.approx(view_w / view_h, rel=0.03, abs=0.02)

    @pytest.mark.parametrize("name", sorted(POSES))
    def test_it_rests_the_figure_on_the_floor(self, name: str) -> None:
        root = svg_of(POSES[name])
        for figure in figures(root):
            assert lowest(figure) == pytest.approx(floor_y(root), abs=0.6)

    @pytest.mark.parametrize("exercise_id", sorted(library()))
    def test_it_rests_every_exercise_on_the_floor(self, exercise_id: str) -> None:
        exercise = library()[exercise_id]
        pose = exercise.pose
        root = svg_of(pose)
        floor = floor_y(root)
        drawn = figures(root)
        assert len(drawn) == len(stances(pose))
        raised = {Prop.STEP, Prop.BED} & set(pose.props)
        for figure, stance in zip(drawn, stances(pose), strict=True):
            if raised or stance.seated:  # on a step, a bed or a seat
                assert lowest(figure) <= floor + 0.6
            else:
                assert lowest(figure) == pytest.approx(floor, abs=0.6)
        # Every frame of the animation too: never through the floor, and standing, kneeling
        # or lying on it all the way (not on a step, bed or seat, not swimming).
        grounded = not raised and not any(s.seated for s in stances(pose))
        root = svg_of(exercise)
        floor = floor_y(root)
        for frame in (g for f in frames(root) for g in f if "figure" in classes(g)):
            assert lowest(frame) <= floor + 0.6
            if grounded and Equipment.POOL not in exercise.equipment:
                assert lowest(frame) == pytest.approx(floor, abs=0.6)

    def test_it_sits_the_pelvis_on_the_chair_with_the_feet_on_the_floor(self) -> None:
        root = svg_of(Pose(props=(Prop.CHAIR,), start=SITTING))
        (figure,) = figures(root)
        assert lowest(figure) == pytest.approx(floor_y(root), abs=0.6)
        props = next(g for g in root.iter(f"{NS}g") if g.get("class") == "props")
        assert len(list(props)) >= 3, "a seat, a back and legs"

    def test_it_gives_someone_seated_on_nothing_a_stool(self) -> None:
        root = svg_of(Pose(start=SITTING))
        assert len(list(props_of(root))) >= 2, "a seat and its post"

    def test_it_puts_the_wall_at_the_back_or_under_the_reaching_hand(self) -> None:
        reaching = STANDING.model_copy(update={"far": Limbs(upper_arm=100, forearm=90)})
        for stance, behind in ((STANDING, True), (reaching, False)):
            root = svg_of(Pose(props=(Prop.WALL,), start=stance))
            (wall,) = [e for e in props_of(root) if e.tag == f"{NS}line"]
            x = float(wall.get("x1", "nan"))
            assert wall.get("x2") == wall.get("x1"), "upright"
            centres = [float(c.get("cx", "nan")) for c in figures(root)[0].iter(f"{NS}circle")]
            if behind:
                assert x < min(centres)
            else:
                assert x > max(centres)

    def test_it_draws_a_pool_and_a_bike_from_the_exercise_equipment(self) -> None:
        swimming = exercise_with(
            (Equipment.POOL,), Pose(start=PRONE.model_copy(update={"upper_arm": 90}))
        )
        root = svg_of(swimming)
        assert [g for g in root.iter(f"{NS}g") if g.get("class") == "water"]
        assert lowest(figures(root)[0]) < floor_y(root) - 50, "swimming, not on the floor"
        cycling = exercise_with((Equipment.BIKE,), Pose(start=SITTING))
        root = svg_of(cycling)
        assert lowest(figures(root)[0]) < floor_y(root) - 10, "the pedals clear the floor"
        assert len(list(props_of(root))) >= 6, "base, frame, bars, saddle, crank"
        assert not list(props_of(svg_of(Pose(start=PRONE)))), "a pose alone has no pool"

    def test_it_draws_an_arrow_per_moving_joint(self) -> None:
        for pose in (library()["bridge"].pose, POSES["bird dog"], POSES["arm raise"]):
            root = svg_of(pose)
            assert len(arrows(root)) == len(pose.moves)
            assert len(figures(root)) == 2
            ghost, solid = figures(root)
            assert ghost.get("opacity") is not None, "the start position is faint"
            assert solid.get("opacity") is None

    def test_it_draws_a_held_pose_once_without_arrows_or_animation(self) -> None:
        root = svg_of(POSES["standing"])
        assert len(figures(root)) == 1
        assert figures(root)[0].get("opacity") is None
        assert arrows(root) == []
        assert not list(root.iter(f"{NS}marker"))
        assert frames(root) == []
        assert still(root).get("display") is None, "nothing moves: the still picture shows"

    def test_it_gives_every_svg_its_own_ids(self) -> None:
        first, second = (render_svg(library()["bridge"]) for _ in range(2))
        ids = [set(re.findall(r'\bid="([^"]+)"', svg)) for svg in (first, second)]
        assert ids[0]
        assert not ids[0] & ids[1]
        for svg, own in zip((first, second), ids, strict=True):
            assert set(re.findall(r"url\(#([^)]+)\)", svg)) <= own


angles = st.floats(min_value=-360, max_value=360, allow_nan=False)
maybe = st.none() | angles
stance_strategy = st.builds(
    Stance,
    spine=st.floats(min_value=-90, max_value=90, allow_nan=False),
    trunk=angles,
    head=angles,
    thigh=angles,
    shin=angles,
    foot=angles,
    upper_arm=angles,
    forearm=angles,
    far=st.builds(Limbs, thigh=maybe, shin=maybe, foot=maybe, upper_arm=maybe, forearm=maybe),
    seated=st.booleans(),
)


@st.composite
def poses(draw: st.DrawFn) -> Pose:
    props = tuple(draw(st.lists(st.sampled_from(list(Prop)), unique=True, max_size=3)))
    start = draw(stance_strategy)
    end = draw(st.none() | stance_strategy)
    moves = () if end is None else tuple(draw(st.lists(st.sampled_from(list(Joint)))))
    cue = draw(st.none() | st.sampled_from(list(Cue)))
    rhythmic = end is not None and draw(st.booleans())
    return Pose(props=props, start=start, end=end, moves=moves, cue=cue, rhythmic=rhythmic)


def numbers(element: ET.Element) -> Iterator[tuple[str, float]]:
    for key in ("x", "y", "cx", "cy", "x1", "y1", "x2", "y2", "width", "height", "r"):
        if key in element.attrib:
            yield key, float(element.attrib[key])


def drawn(element: ET.Element) -> Iterator[ET.Element]:
    """Every element drawn in the picture's coordinates (not the arrowhead's own)."""
    for child in element:
        if child.tag != f"{NS}defs":
            yield child
            yield from drawn(child)


@settings(max_examples=150, deadline=None)
@given(poses(), st.sets(st.sampled_from([Equipment.POOL, Equipment.BIKE])), st.booleans())
def test_it_keeps_every_coordinate_finite_and_in_view(
    pose: Pose, equipment: set[Equipment], animate: bool
) -> None:
    svg = render_svg(exercise_with(tuple(equipment), pose) if equipment else pose, animate=animate)
    assert "nan" not in svg
    assert "inf" not in svg
    root = ET.fromstring(svg)
    _, _, view_w, view_h = (float(n) for n in root.get("viewBox", "").split())

    def inside(x: float, y: float) -> bool:
        return 0 <= x <= view_w and 0 <= y <= view_h

    for element in drawn(root):
        values = dict(numbers(element))
        assert all(math.isfinite(v) for v in values.values())
        if element.tag == f"{NS}circle":
            cx, cy, r = values["cx"], values["cy"], values["r"]
            assert inside(cx - r, cy - r)
            assert inside(cx + r, cy + r)
        elif element.tag == f"{NS}rect":
            assert inside(values["x"], values["y"])
            assert inside(values["x"] + values["width"], values["y"] + values["height"])
        elif element.tag == f"{NS}line":
            assert inside(values["x1"], values["y1"])
            assert inside(values["x2"], values["y2"])
        elif element.tag == f"{NS}path":
            pairs = PAIR.findall(element.get("d", ""))
            assert pairs
            assert all(inside(float(x), float(y)) for x, y in pairs)


def test_it_turns_the_face_to_the_viewer_for_lying_on_the_side() -> None:
    side = library()["clamshell_band"]
    back = library()["bridge"]
    assert side.pose.start.facing_viewer
    # Two white eyes per figure (start and end) instead of a profile nose, and in every frame.
    assert render_svg(side, animate=False).count('fill="#ffffff"><circle') == 2
    assert render_svg(side).count('fill="#ffffff"><circle') == 2 + FRAMES
    assert 'fill="#ffffff"><circle' not in render_svg(back)


def test_it_draws_an_elastic_band_between_its_two_ends() -> None:
    svg = render_svg(library()["clamshell_band"], animate=False)
    assert svg.count('class="band"') == 2  # start (faint) and end
    assert render_svg(library()["clamshell_band"]).count('class="band"') == 2 + FRAMES
    assert render_svg(library()["hamstring_stretch"]).count('class="band"') == 1  # held
    assert 'class="band"' not in render_svg(library()["bridge"])


def test_it_shows_a_turn_of_the_trunk_with_an_arrow_around_the_chest() -> None:
    held = library()["seated_trunk_rotation"]
    assert held.pose.turn
    assert held.pose.end is None
    assert 'class="arrows"' in render_svg(held)


def test_it_refuses_a_band_tied_to_nothing() -> None:
    with pytest.raises(ValidationError, match="band: unknown end 'nose'"):
        Pose.model_validate(
            {
                "start": {
                    "trunk": 0,
                    "head": 0,
                    "thigh": 180,
                    "shin": 180,
                    "foot": 90,
                    "upper_arm": 180,
                    "forearm": 180,
                },
                "band": ["hand", "nose"],
            }
        )


def test_it_describes_the_picture_in_the_pages_language() -> None:
    bridge = library()["bridge"]
    assert "<desc>Vaag: de beginhouding." in render_svg(bridge, lang=Lang.NL)
    assert "<desc>Faint: the starting position." in render_svg(bridge)


# The animation, the still picture, the crop and the cues -------------------------------------

MOVING = sorted(i for i, e in library().items() if e.pose.end is not None)
CSS = Path(__file__).parents[2] / "backpath/web/static/backpath/figures.css"


def animations(root: ET.Element) -> list[ET.Element]:
    return [*root.iter(f"{NS}animate"), *root.iter(f"{NS}set")]


def schedule(frame: ET.Element) -> tuple[float, list[tuple[float, str]]]:
    """A frame's SMIL: the cycle in seconds, and (time, visibility) from when on."""
    (animate,) = frame.findall(f"{NS}animate")
    assert animate.get("attributeName") == "visibility"
    assert animate.get("calcMode") == "discrete"
    assert animate.get("repeatCount") == "indefinite"
    dur = animate.get("dur", "")
    assert dur.endswith("s")
    cycle = float(dur[:-1])
    times = [float(t) * cycle for t in animate.get("keyTimes", "").split(";")]
    values = animate.get("values", "").split(";")
    assert len(times) == len(values)
    assert times[0] == 0
    assert times == sorted(times)
    return cycle, list(zip(times, values, strict=True))


def visible_at(frame: ET.Element, t: float) -> bool:
    _, keys = schedule(frame)
    return [value for when, value in keys if when <= t][-1] == "visible"


def shown_for(frame: ET.Element) -> float:
    """How long in each cycle the frame shows."""
    cycle, keys = schedule(frame)
    ends = [when for when, _ in keys[1:]] + [cycle]
    return sum(
        end - when for (when, value), end in zip(keys, ends, strict=True) if value == "visible"
    )


def drawn_box(root: ET.Element) -> tuple[float, float, float, float]:
    """What the shapes cover, in viewBox units (not the floor line, which spans the box)."""
    xs: list[float] = []
    ys: list[float] = []
    for element in drawn(root):
        values = dict(numbers(element))
        if element.tag == f"{NS}circle":
            xs += [values["cx"] - values["r"], values["cx"] + values["r"]]
            ys += [values["cy"] - values["r"], values["cy"] + values["r"]]
        elif element.tag == f"{NS}rect":
            xs += [values["x"], values["x"] + values["width"]]
            ys += [values["y"], values["y"] + values["height"]]
        elif element.tag == f"{NS}line" and element.get("class") != "floor":
            xs += [values["x1"], values["x2"]]
            ys += [values["y1"], values["y2"]]
        elif element.tag == f"{NS}path":
            for x, y in PAIR.findall(element.get("d", "")):
                xs.append(float(x))
                ys.append(float(y))
    return min(xs), min(ys), max(xs), max(ys)


def body_points(figure: ET.Element) -> tuple[tuple[float, float], tuple[float, float]]:
    """The hip (the body's first disc) and the near hand (the near arm's last disc)."""
    body = next(g for g in figure if g.get("fill") == "#0f6b74")
    near_arm = [g for g in figure if g.get("fill") == "#0f6b74"][-1]

    def centre(circle: ET.Element) -> tuple[float, float]:
        return float(circle.get("cx", "nan")), float(circle.get("cy", "nan"))

    return centre(body.findall(f"{NS}circle")[0]), centre(near_arm.findall(f"{NS}circle")[-1])


def arc(a: float, b: float) -> float:
    """The short way round from a to b, in degrees (-180 to 180)."""
    return (b - a + 180) % 360 - 180


class TestThePageCanShowIt:
    @pytest.mark.parametrize("animate", [True, False])
    @pytest.mark.parametrize("exercise_id", sorted(library()))
    def test_every_exercise_renders_within_the_content_security_policy(
        self, exercise_id: str, animate: bool
    ) -> None:
        svg = render_svg(library()[exercise_id], animate=animate)
        root = ET.fromstring(svg)
        every = list(root.iter())
        assert not [e for e in every if e.tag in (f"{NS}style", f"{NS}script")]
        assert not [e for e in every if "style" in e.attrib], "style-src 'self': no style="
        assert not [e for e in every if any(k.endswith("href") for k in e.attrib)]
        assert not [e for e in every if any(k.startswith("on") for k in e.attrib)]
        assert "<style" not in svg
        assert "script" not in svg.lower()
        assert "file:" not in svg
        assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
        assert all(ref.startswith("url(#") for ref in re.findall(r"url\([^)]*\)", svg))
        assert "exercise-figure" in classes(root)
        title = root.find(f"{NS}title")
        assert title is not None
        assert title.text == library()[exercise_id].name.en
        assert root.get("aria-labelledby") == title.get("id")
        assert root.get("role") == "img"
        assert root.findtext(f"{NS}desc")

    def test_the_stylesheet_defines_the_classes_the_svg_uses(self) -> None:
        css = CSS.read_text(encoding="utf-8")
        root = svg_of(library()["bridge"])
        used = {"exercise-figure", "fig-still", "fig-frames", "fig-frame"}
        assert used <= {c for e in root.iter() for c in classes(e)}
        assert "style" not in "".join(e.tag for e in root.iter())
        fallback = css[css.index("@media (prefers-reduced-motion: reduce), print") :]
        fallback = fallback[: fallback.index("}\n}") + 3]
        assert ".fig-frames { display: none; }" in fallback
        assert ".fig-still { display: inline; }" in fallback
        assert ".exercise-figure" in css.split("@media")[0], "sized outside the media query"


class TestTheAnimation:
    @pytest.mark.parametrize("exercise_id", MOVING)
    def test_it_shows_the_frames_in_turn_there_and_back(self, exercise_id: str) -> None:
        root = svg_of(library()[exercise_id])
        shown = frames(root)
        assert len(shown) == FRAMES
        assert still(root).get("display") == "none", "the still picture waits for figures.css"
        assert all(frame.get("visibility") == "hidden" for frame in shown)
        cycles = {schedule(frame)[0] for frame in shown}
        assert len(cycles) == 1, "one clock for all frames"
        cycle = cycles.pop()
        # At every moment exactly one frame shows: start, on to the end, and back.
        moments = sorted({when for frame in shown for when, _ in schedule(frame)[1]})
        order = []
        for when in moments:
            (index,) = [i for i, frame in enumerate(shown) if visible_at(frame, when + 1e-6)]
            order.append(index)
        assert order == [*range(FRAMES), *range(FRAMES - 2, 0, -1)]
        assert moments[-1] < cycle

    def test_it_holds_the_end_position_as_long_as_the_dosage_holds_it(self) -> None:
        knees = library()["knees_to_chest"]
        assert knees.dosage.hold_seconds == 20
        shown = frames(svg_of(knees))
        expected = PAUSE_SECONDS + 2 * MOVE_SECONDS + 20
        assert all(f'dur="{expected:g}s"' in ET.tostring(f, encoding="unicode") for f in shown)
        assert shown_for(shown[-1]) == pytest.approx(20, abs=0.01)
        assert shown_for(shown[0]) == pytest.approx(PAUSE_SECONDS, abs=0.01)

    def test_a_prescribed_hold_times_the_picture_instead_of_the_exercises_own(self) -> None:
        knees = library()["knees_to_chest"]
        shown = frames(svg_of(knees, dosage=Dosage(hold_seconds=45, reps=3)))
        assert shown_for(shown[-1]) == pytest.approx(45, abs=0.01)
        bracing = library()["abdominal_bracing"]
        _relaxed, braced = frames(svg_of(bracing, dosage=Dosage(hold_seconds=8, reps=10)))
        assert shown_for(braced) == pytest.approx(8, abs=0.01)

    def test_it_pauses_briefly_when_the_dosage_holds_nothing(self) -> None:
        bridge = library()["bridge"]
        assert bridge.dosage.hold_seconds is None
        cycle, _ = schedule(frames(svg_of(bridge))[0])
        assert cycle == pytest.approx(2 * PAUSE_SECONDS + 2 * MOVE_SECONDS)
        assert schedule(frames(svg_of(bridge.pose))[0])[0] == cycle, "a pose alone: the same"

    def test_it_swings_a_rhythmic_movement_without_holding_it(self) -> None:
        carry = library()["carry_shopping_bags"]
        assert carry.pose.rhythmic
        assert carry.dosage.hold_seconds == 60, "carrying for a minute is not standing still"
        shown = frames(svg_of(carry))
        cycle, _ = schedule(shown[0])
        assert cycle == pytest.approx(2 * STRIDE_SECONDS + 2 * STRIDE_SECONDS / (FRAMES - 2))
        slot = STRIDE_SECONDS / (FRAMES - 2)
        assert shown_for(shown[0]) == pytest.approx(slot, abs=0.01)
        assert shown_for(shown[-1]) == pytest.approx(slot, abs=0.01)
        assert shown_for(shown[1]) == pytest.approx(2 * slot, abs=0.01), "there and back"

    def test_the_still_variant_has_no_animation(self) -> None:
        for exercise_id in ("bridge", "abdominal_bracing", "diaphragmatic_breathing"):
            root = svg_of(library()[exercise_id], animate=False)
            assert animations(root) == []
            assert frames(root) == []
            assert still(root).get("display") is None
            assert not [e for e in root.iter() if "visibility" in e.attrib]

    @pytest.mark.parametrize("exercise_id", MOVING)
    def test_the_frames_interpolate_between_start_and_end(self, exercise_id: str) -> None:
        pose = library()[exercise_id].pose
        assert pose.end is not None
        start, end = pose.start, pose.end
        middle = interpolate(start, end, 0.5)
        for name in ("trunk", "head", "thigh", "shin", "foot", "upper_arm", "forearm"):
            a, b, m = getattr(start, name), getattr(end, name), getattr(middle, name)
            assert arc(a, m) == pytest.approx(arc(a, b) / 2, abs=1e-6), name
        for name in ("thigh", "shin", "foot", "upper_arm", "forearm"):
            a, b = (getattr(s.far, name) for s in (start, end))
            a = getattr(start, name) if a is None else a
            b = getattr(end, name) if b is None else b
            assert arc(a, getattr(middle.far, name)) == pytest.approx(arc(a, b) / 2, abs=1e-6)
        assert middle.spine == pytest.approx((start.spine + end.spine) / 2)
        for t, stance in ((0, start), (1, end)):
            there = interpolate(start, end, t)
            assert arc(there.trunk, stance.trunk) == pytest.approx(0, abs=1e-6)

    def test_it_turns_the_short_way_round(self) -> None:
        # hip_circles sways from 5 to 352 degrees: through upright, not head over heels.
        start, end = (
            STANDING.model_copy(update={"trunk": 5}),
            STANDING.model_copy(update={"trunk": 352}),
        )
        assert interpolate(start, end, 0.5).trunk == pytest.approx(358.5)
        seated = interpolate(SITTING, STANDING, 0.5)
        assert not seated.seated, "on the way up from a chair, the pelvis has left the seat"
        assert interpolate(SITTING, SITTING, 0.5).seated

    def test_the_middle_frame_draws_the_position_half_way(self) -> None:
        pose = POSES["arm raise"]
        assert pose.end is not None
        middle = frames(svg_of(pose))[FRAMES // 2]
        hip, hand = body_points(next(g for g in middle if "figure" in classes(g)))
        joints = joint_positions(interpolate(pose.start, pose.end, 0.5))
        expected = [190 * (joints["hand"][i] - joints["hip"][i]) for i in (0, 1)]
        assert [hand[0] - hip[0], hand[1] - hip[1]] == pytest.approx(expected, abs=0.2)
        assert joints["hand"][0] > 0.3, "half way up, the arm points forward"

    def test_the_frames_keep_the_person_in_place(self) -> None:
        """Walking in place, the hips move evenly; the cyclist stays on the saddle; the
        bridge, the roll out of bed, the swimmer and the step-up move without jumps."""
        hips = {}
        for exercise_id in ("walking", "cycling", "bridge", "log_roll", "swimming", "step_up"):
            root = svg_of(library()[exercise_id])
            hips[exercise_id] = [
                body_points(next(g for g in frame if "figure" in classes(g)))[0]
                for frame in frames(root)
            ]
            steps = [math.dist(a, b) for a, b in itertools.pairwise(hips[exercise_id])]
            assert max(steps) < 45, exercise_id  # no jumps from frame to frame
        saddle = [y for _, y in hips["cycling"]]
        assert max(saddle) - min(saddle) < 1
        strides = [b[0] - a[0] for a, b in itertools.pairwise(hips["walking"])]
        assert all(step >= -0.2 for step in strides) or all(step <= 0.2 for step in strides)

    def test_a_held_position_without_a_cue_stands_still(self) -> None:
        root = svg_of(library()["plank"])
        assert animations(root) == []
        assert frames(root) == []


class TestTheCrop:
    @pytest.mark.parametrize("animate", [True, False])
    @pytest.mark.parametrize("exercise_id", sorted(library()))
    def test_the_figure_fills_its_picture(self, exercise_id: str, animate: bool) -> None:
        root = svg_of(library()[exercise_id], animate=animate)
        _, _, view_w, view_h = (float(n) for n in root.get("viewBox", "").split())
        x0, y0, x1, y1 = drawn_box(root)
        assert 0 <= x0 < x1 <= view_w
        assert 0 <= y0 < y1 <= view_h
        assert (x1 - x0) * (y1 - y0) >= 0.6 * view_w * view_h
        assert floor_y(root) <= view_h
        floor = next(e for e in root.iter(f"{NS}line") if e.get("class") == "floor")
        assert (floor.get("x1"), float(floor.get("x2", "nan"))) == ("0", pytest.approx(view_w))

    def test_it_keeps_one_scale_so_people_are_the_same_size(self) -> None:
        """In the SVG's own units every body is as large: the page sizes the picture."""
        sizes = set()
        for exercise in library().values():
            figure = figures(svg_of(exercise))[-1]
            body = next(g for g in figure if g.get("fill") == "#0f6b74")
            sizes.add(frozenset(c.get("r") for c in body.iter(f"{NS}circle")))
        assert len(sizes) == 1
        assert "12.3" in sizes.pop(), "the head: 0.065 body heights at 190 units"


class TestTheCues:
    def test_the_cat_and_the_cow_bend_the_back_opposite_ways(self) -> None:
        pose = library()["cat_camel"].pose
        assert pose.end is not None
        assert pose.start.spine - pose.end.spine >= 60
        assert Joint.BACK in pose.moves

        def lower_back(stance: Stance) -> float:
            hip, waist = joint_positions(stance)["hip"], joint_positions(stance)["waist"]
            return math.degrees(math.atan2(waist[0] - hip[0], -(waist[1] - hip[1])))

        assert abs(arc(lower_back(pose.start), lower_back(pose.end))) >= 40
        cat, cow = (joint_positions(s)["back"] for s in (pose.start, pose.end))
        assert cat[1] < cow[1] - 0.08, "the cat's back is higher than the cow's (y down)"

    def test_a_rounded_back_bulges_behind_a_hollow_one_in_front(self) -> None:
        for spine, behind in ((40, True), (-40, False), (0, None)):
            waist = joint_positions(STANDING.model_copy(update={"spine": spine}))["waist"]
            if behind is None:
                assert waist[0] == pytest.approx(0)
            else:
                assert (waist[0] < -0.01) is behind

    def test_the_back_arrow_points_the_way_the_back_moves(self) -> None:
        cat_camel = library()["cat_camel"].pose
        assert cat_camel.end is not None
        sinking = svg_of(cat_camel, animate=False)
        rising = svg_of(
            cat_camel.model_copy(update={"start": cat_camel.end, "end": cat_camel.start}),
            animate=False,
        )
        for root, down in ((sinking, True), (rising, False)):
            back = arrows(root)[1]  # moves: [head, back]
            (_, y0), _, (_, y1) = [(float(x), float(y)) for x, y in PAIR.findall(back.get("d", ""))]
            assert (y1 > y0) is down
        # Lying on the back, the arrow comes down onto the belly, above the body.
        tilt = svg_of(library()["pelvic_tilt"], animate=False)
        (arrow,) = arrows(tilt)
        (_, y0), _, (_, y1) = [(float(x), float(y)) for x, y in PAIR.findall(arrow.get("d", ""))]
        assert y0 < y1 < floor_y(tilt) - 20

    def test_abdominal_bracing_lights_up_the_belly_while_held(self) -> None:
        exercise = library()["abdominal_bracing"]
        assert exercise.pose.cue is Cue.BRACE
        assert exercise.pose.end is None
        still_root = svg_of(exercise, animate=False)
        assert [g for g in still_root.iter(f"{NS}g") if classes(g) == ["cue", "brace"]]
        root = svg_of(exercise)
        relaxed, braced = frames(root)
        assert not [g for g in relaxed.iter(f"{NS}g") if "cue" in classes(g)]
        assert len([g for g in braced.iter(f"{NS}g") if "brace" in classes(g)]) == 2
        assert shown_for(braced) == pytest.approx(exercise.dosage.hold_seconds or 0, abs=0.01)
        assert [g for g in still(root).iter(f"{NS}g") if "brace" in classes(g)]

    def test_diaphragmatic_breathing_shows_the_belly_rising_and_falling(self) -> None:
        exercise = library()["diaphragmatic_breathing"]
        assert exercise.pose.cue is Cue.BREATHE

        def heads(element: ET.Element) -> int:
            cue = next(g for g in element.iter(f"{NS}g") if "breathe" in classes(g))
            return len(cue.findall(f"{NS}path"))

        assert heads(svg_of(exercise, animate=False)) == 2, "up and down"
        breath_out, breath_in = frames(svg_of(exercise))
        assert (heads(breath_out), heads(breath_in)) == (1, 1)
        assert shown_for(breath_in) < shown_for(breath_out), "a longer breath out"

    def test_a_cue_on_a_moving_exercise_shows_in_the_end_position(self) -> None:
        pose = POSES["arm raise"].model_copy(update={"cue": Cue.BRACE})
        root = svg_of(pose)
        with_cue = [
            i for i, f in enumerate(frames(root)) if "brace" in ET.tostring(f, encoding="unicode")
        ]
        assert with_cue == [FRAMES - 1]
        assert 'class="cue brace"' in ET.tostring(still(root), encoding="unicode")


class TestTiming:
    def test_it_times_each_kind_of_exercise(self) -> None:
        held = Pose(start=SUPINE, cue=Cue.BRACE)
        assert timing(held) == Timing(rest=2.0, move=0.0, hold=5.0)
        assert timing(held, Dosage(hold_seconds=10, reps=8)).hold == 10
        assert timing(held.model_copy(update={"cue": Cue.BREATHE})).cycle == 10
        moving = POSES["arm raise"]
        assert timing(moving, Dosage(sets=2, reps=10)) == Timing(0.6, 1.5, 0.6)
        assert timing(moving, Dosage(hold_seconds=30, reps=2)).cycle == pytest.approx(33.6)
        rhythmic = moving.model_copy(update={"rhythmic": True})
        assert timing(rhythmic, Dosage(minutes=20)).cycle == pytest.approx(2.4)

    def test_a_rhythm_needs_an_end_position(self) -> None:
        with pytest.raises(ValidationError, match="rhythmic: a rhythm needs an end position"):
            Pose(start=STANDING, rhythmic=True)

    def test_the_back_bends_at_most_a_right_angle(self) -> None:
        with pytest.raises(ValidationError, match="spine"):
            Stance.model_validate({**STANDING.model_dump(), "spine": 120})


def test_it_draws_a_single_stance_as_a_held_position() -> None:
    root = svg_of(STANDING)
    assert len(figures(root)) == 1
    assert root.findtext(f"{NS}title") == "Exercise"
    assert frames(root) == []


def test_a_segment_inside_its_own_end_disc_is_just_the_discs() -> None:
    from backpath.exercises.render import _capsule, _Circle

    nested = _capsule((0.0, 0.0), 0.05, (0.01, 0.0), 0.02)
    assert nested == [_Circle((0.0, 0.0), 0.05), _Circle((0.01, 0.0), 0.02)]
    assert len(_capsule((0.0, 0.0), 0.05, (0.3, 0.0), 0.02)) == 3, "a hull between the discs"


def test_a_kept_drawing_gets_fresh_ids_each_time_it_is_inlined() -> None:
    """Drawings are kept once drawn; two copies in one page still have ids of their own,
    and differ in nothing else."""
    exercise = library()["bird_dog"]  # a movement: its hold time changes the animation
    first, second = render_svg(exercise), render_svg(exercise)
    ids = re.compile(r"bp-[0-9a-z]{10}")
    first_ids, second_ids = set(ids.findall(first)), set(ids.findall(second))
    assert len(first_ids) == len(second_ids) == 1
    assert first_ids.isdisjoint(second_ids)
    assert ids.sub("ID", first) == ids.sub("ID", second)
    # Another width, language or dosage is another drawing, not the kept one.
    assert render_svg(exercise, width=160) != first
    held = Dosage(hold_seconds=30, reps=3)
    assert ids.sub("ID", render_svg(exercise, dosage=held)) != ids.sub("ID", first)
