"""Head and deputy rotation: each method, units leaving and joining, no_repeat_years, elections."""

from __future__ import annotations

import pytest

from thidua_cli.scoring import LeadershipRecord, UnitInfo, propose_leadership

ORDER = ["MTTQ", "LDLD", "CCB", "TD", "HND"]


def members(*codes: str, orders: dict[str, int | None] | None = None) -> list[UnitInfo]:
    orders = orders or {}
    return [
        UnitInfo(code, code, orders.get(code, ORDER.index(code) + 1 if code in ORDER else None))
        for code in codes
    ]


def elected(year: int, head: str, deputy: str | None) -> LeadershipRecord:
    return LeadershipRecord(year, head, deputy, "elected")


def test_deputy_succeeds() -> None:
    proposal = propose_leadership(
        2024, members(*ORDER), [elected(2023, "CCB", "TD")], "deputy_succeeds", 1, None
    )
    assert (proposal.head, proposal.deputy, proposal.decided) == ("TD", "HND", False)
    assert proposal.head_reason == "Phó cụm năm 2023 lên làm Trưởng cụm (quy tắc deputy_succeeds)"
    assert proposal.deputy_reason == (
        "Đơn vị kế tiếp sau Trưởng cụm TD theo thứ tự luân phiên (quy tắc deputy_succeeds)"
    )


def test_deputy_succeeds_wraps_for_the_new_deputy() -> None:
    proposal = propose_leadership(
        2024, members(*ORDER), [elected(2023, "TD", "HND")], "deputy_succeeds", 1, None
    )
    assert (proposal.head, proposal.deputy) == ("HND", "MTTQ")


def test_deputy_who_left_is_skipped_and_the_next_in_order_takes_over() -> None:
    old_order = {"MTTQ": 1, "LDLD": 2, "HND": 3, "CCB": 4, "TD": 5}
    former = members("MTTQ", "LDLD", "HND", "CCB", "TD", orders=old_order)
    now = members("MTTQ", "LDLD", "CCB", "TD", orders=old_order)
    proposal = propose_leadership(
        2024, now, [elected(2023, "LDLD", "HND")], "deputy_succeeds", 1, None, former
    )
    assert (proposal.head, proposal.deputy) == ("CCB", "TD")
    assert proposal.head_reason == (
        "Phó cụm năm 2023 là HND; bỏ qua HND vì không còn là thành viên năm 2024; chọn CCB, "
        "đơn vị kế tiếp sau HND theo thứ tự luân phiên (quy tắc deputy_succeeds)"
    )


def test_deputy_who_left_without_known_order_starts_from_the_top() -> None:
    now = members("MTTQ", "LDLD", "CCB", "TD")
    history = [elected(2023, "LDLD", "HND")]
    proposal = propose_leadership(2024, now, history, "deputy_succeeds", 1, None)
    assert (proposal.head, proposal.deputy) == ("MTTQ", "LDLD")
    assert "không rõ thứ tự luân phiên của HND, tính từ đầu danh sách" in proposal.head_reason


def test_round_robin() -> None:
    proposal = propose_leadership(
        2024, members(*ORDER), [elected(2023, "CCB", "MTTQ")], "round_robin", 1, None
    )
    assert (proposal.head, proposal.deputy) == ("TD", "HND")
    assert proposal.head_reason == (
        "Chọn TD, đơn vị kế tiếp sau Trưởng cụm năm 2023 (CCB) theo thứ tự luân phiên "
        "(quy tắc round_robin)"
    )


def test_round_robin_wraps_around() -> None:
    proposal = propose_leadership(
        2024, members(*ORDER), [elected(2023, "HND", "MTTQ")], "round_robin", 1, None
    )
    assert (proposal.head, proposal.deputy) == ("MTTQ", "LDLD")


def test_leader_hosts() -> None:
    proposal = propose_leadership(
        2024, members(*ORDER), [elected(2023, "CCB", "TD")], "leader_hosts", 1, "LDLD"
    )
    assert (proposal.head, proposal.deputy) == ("LDLD", "CCB")
    assert proposal.head_reason == "Đơn vị dẫn đầu năm 2023 làm Trưởng cụm (quy tắc leader_hosts)"


def test_leader_hosts_leader_was_head_last_year() -> None:
    proposal = propose_leadership(
        2024, members(*ORDER), [elected(2023, "CCB", "TD")], "leader_hosts", 1, "CCB"
    )
    assert (proposal.head, proposal.deputy) == ("TD", "HND")
    assert proposal.head_reason == (
        "Đơn vị dẫn đầu năm 2023 là CCB; bỏ qua CCB vì đã làm Trưởng cụm năm 2023 (không làm "
        "lại trong 1 năm); chọn TD, đơn vị kế tiếp sau CCB theo thứ tự luân phiên "
        "(quy tắc leader_hosts)"
    )


def test_leader_hosts_without_leader_falls_back_to_order() -> None:
    proposal = propose_leadership(
        2024, members(*ORDER), [elected(2023, "CCB", "TD")], "leader_hosts", 1, None
    )
    assert (proposal.head, proposal.deputy) == ("TD", "HND")
    assert proposal.head_reason.startswith("Năm 2023 không có đơn vị dẫn đầu; chọn TD")


def test_elect_makes_no_proposal() -> None:
    proposal = propose_leadership(
        2024, members(*ORDER), [elected(2023, "CCB", "TD")], "elect", 1, "CCB"
    )
    assert (proposal.head, proposal.deputy, proposal.decided) == (None, None, False)
    assert proposal.head_reason == (
        "Quy chế cụm: Trưởng cụm, Phó cụm do hội nghị cụm bầu (quy tắc elect); "
        "chưa có kết quả bầu năm 2024"
    )


@pytest.mark.parametrize("method", ["deputy_succeeds", "round_robin", "leader_hosts", "elect"])
def test_elected_record_always_wins(method: str) -> None:
    history = [elected(2023, "CCB", "TD"), elected(2024, "HND", "CCB")]
    proposal = propose_leadership(2024, members(*ORDER), history, method, 1, "MTTQ")
    assert (proposal.head, proposal.deputy, proposal.decided) == ("HND", "CCB", True)
    assert proposal.head_reason == "Hội nghị cụm đã bầu Trưởng cụm năm 2024 (kết quả đã ghi nhận)"


def test_elected_wins_over_an_older_proposal_for_the_same_year() -> None:
    history = [
        elected(2023, "CCB", "TD"),
        LeadershipRecord(2024, "TD", "HND", "proposed"),
        elected(2024, "MTTQ", "LDLD"),
    ]
    proposal = propose_leadership(2024, members(*ORDER), history, "deputy_succeeds", 1, None)
    assert (proposal.head, proposal.deputy, proposal.decided) == ("MTTQ", "LDLD", True)


def test_a_stored_proposal_is_recomputed() -> None:
    history = [elected(2023, "CCB", "TD"), LeadershipRecord(2024, "MTTQ", "LDLD", "proposed")]
    proposal = propose_leadership(2024, members(*ORDER), history, "deputy_succeeds", 1, None)
    assert (proposal.head, proposal.deputy, proposal.decided) == ("TD", "HND", False)


def test_new_member_joins_at_its_rotation_order() -> None:
    # LMHTX joins with order 4 (before TD by code), CTD without order goes last.
    now = members(*ORDER, "LMHTX", "CTD", orders={"LMHTX": 4, "CTD": None})
    proposal = propose_leadership(2024, now, [elected(2023, "CCB", "MTTQ")], "round_robin", 1, None)
    assert (proposal.head, proposal.deputy) == ("LMHTX", "TD")
    proposal = propose_leadership(2024, now, [elected(2023, "HND", "MTTQ")], "round_robin", 1, None)
    assert (proposal.head, proposal.deputy) == ("CTD", "MTTQ")


def test_no_repeat_years() -> None:
    history = [elected(2022, "MTTQ", "LDLD"), elected(2023, "LDLD", "MTTQ")]
    strict = propose_leadership(2024, members(*ORDER), history, "deputy_succeeds", 2, None)
    assert (strict.head, strict.deputy) == ("CCB", "TD")
    assert strict.head_reason == (
        "Phó cụm năm 2023 là MTTQ; bỏ qua MTTQ vì đã làm Trưởng cụm năm 2022 (không làm lại "
        "trong 2 năm); bỏ qua LDLD vì đã làm Trưởng cụm năm 2023 (không làm lại trong 2 năm); "
        "chọn CCB, đơn vị kế tiếp sau MTTQ theo thứ tự luân phiên (quy tắc deputy_succeeds)"
    )
    lenient = propose_leadership(2024, members(*ORDER), history, "deputy_succeeds", 1, None)
    assert (lenient.head, lenient.deputy) == ("MTTQ", "LDLD")


def test_no_history_starts_at_the_top_of_the_order() -> None:
    proposal = propose_leadership(2024, members(*ORDER), [], "deputy_succeeds", 1, None)
    assert (proposal.head, proposal.deputy) == ("MTTQ", "LDLD")
    assert proposal.head_reason == (
        "Chưa có Trưởng cụm các năm trước; chọn MTTQ, đơn vị đầu tiên theo thứ tự luân phiên "
        "(quy tắc deputy_succeeds)"
    )


def test_single_member_has_no_deputy() -> None:
    proposal = propose_leadership(2024, members("TD"), [], "round_robin", 1, None)
    assert (proposal.head, proposal.deputy) == ("TD", None)
    assert proposal.deputy_reason == "Cụm chỉ có một thành viên năm 2024, không có Phó cụm"


def test_nobody_eligible() -> None:
    history = [elected(2022, "MTTQ", "LDLD"), elected(2023, "LDLD", "MTTQ")]
    proposal = propose_leadership(2024, members("MTTQ", "LDLD"), history, "round_robin", 2, None)
    assert (proposal.head, proposal.deputy) == (None, None)
    assert proposal.head_reason.startswith("Không có đơn vị đủ điều kiện làm Trưởng cụm năm 2024: ")


@pytest.mark.parametrize("method", ["deputy_succeeds", "round_robin", "leader_hosts"])
@pytest.mark.parametrize("last_head", ORDER)
def test_head_and_deputy_always_differ_and_are_members(method: str, last_head: str) -> None:
    now = members("MTTQ", "CCB", "TD", "HND")  # LDLD left
    deputy = ORDER[(ORDER.index(last_head) + 1) % len(ORDER)]
    history = [elected(2023, last_head, deputy)]
    proposal = propose_leadership(2024, now, history, method, 1, last_head, members(*ORDER))
    codes = {unit.code for unit in now}
    assert proposal.head in codes and proposal.deputy in codes
    assert proposal.head != proposal.deputy
    assert proposal.head != last_head


def test_unknown_method_is_an_error() -> None:
    with pytest.raises(ValueError, match="Cách luân phiên «random» không hợp lệ"):
        propose_leadership(2024, members(*ORDER), [], "random", 1, None)
