"""Exercise illustrations: a proportioned person resting on the floor, in a self-contained SVG."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from backpath.clinical.language import Lang
from backpath.exercises.library import Equipment, Exercise, library
from backpath.exercises.pose import Joint, Limbs, Pose, Prop, Stance
from backpath.exercises.render import joint_positions, render_svg

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


def svg_of(subject: object) -> ET.Element:
    svg = render_svg(subject)  # type: ignore[arg-type]
    return ET.fromstring(svg)


def floor_y(root: ET.Element) -> float:
    floor = next(e for e in root.iter(f"{NS}line") if e.get("class") == "floor")
    assert floor.get("y1") == floor.get("y2")
    return float(floor.get("y1", "nan"))


def figures(root: ET.Element) -> list[ET.Element]:
    return [g for g in root.iter(f"{NS}g") if "figure" in g.get("class", "").split()]


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
        assert (root.get("width"), root.get("height")) == ("640", "480")

    @pytest.mark.parametrize("name", sorted(POSES))
    def test_it_rests_the_figure_on_the_floor(self, name: str) -> None:
        root = svg_of(POSES[name])
        for figure in figures(root):
            assert lowest(figure) == pytest.approx(floor_y(root), abs=0.6)

    @pytest.mark.parametrize("exercise_id", sorted(library()))
    def test_it_rests_every_exercise_on_the_floor(self, exercise_id: str) -> None:
        pose = library()[exercise_id].pose
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

    def test_it_draws_a_held_pose_once_without_arrows(self) -> None:
        root = svg_of(POSES["standing"])
        assert len(figures(root)) == 1
        assert figures(root)[0].get("opacity") is None
        assert arrows(root) == []
        assert not list(root.iter(f"{NS}marker"))

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
    return Pose(props=props, start=start, end=end, moves=moves)


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
@given(poses(), st.sets(st.sampled_from([Equipment.POOL, Equipment.BIKE])))
def test_it_keeps_every_coordinate_finite_and_in_view(
    pose: Pose, equipment: set[Equipment]
) -> None:
    svg = render_svg(exercise_with(tuple(equipment), pose) if equipment else pose)
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
    # Two white eyes per figure (start and end) instead of a profile nose.
    assert render_svg(side).count('fill="#ffffff"><circle') == 2
    assert 'fill="#ffffff"><circle' not in render_svg(back)


def test_it_draws_an_elastic_band_between_its_two_ends() -> None:
    svg = render_svg(library()["clamshell_band"])
    assert svg.count('class="band"') == 2  # start (faint) and end
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
