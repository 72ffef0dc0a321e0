from __future__ import annotations

import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics.auth import hash_password
from analytics.triage import open_triage

ROOT = Path(__file__).resolve().parents[2]
PASSWORDS = {"zhang": "审计s3cret", "li": "viewer-pw"}


def _users_text() -> str:
    return (
        "# the team of this test\n"
        f'[[users]]\nname = "zhang"\ndisplay_name = "张审计"\nrole = "auditor"\n'
        f'password_hash = "{hash_password(PASSWORDS["zhang"])}"\n\n'
        f'[[users]]\nname = "li"\ndisplay_name = "李查看"\nrole = "viewer"\n'
        f'password_hash = "{hash_password(PASSWORDS["li"])}"\n'
    )


@pytest.fixture
def users_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The app served to a team: a users file with an auditor (zhang) and a viewer (li)."""
    path = tmp_path / "users.toml"
    path.write_text(_users_text(), encoding="utf-8")
    monkeypatch.setenv("ANALYTICS_USERS", str(path))
    return path


def _app() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception
    return at


def _has_form(at: AppTest) -> bool:
    return {"sign_in_name", "sign_in_password"} <= {field.key for field in at.text_input}


def _sign_in(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="sign_in_name").input(name)
    at.text_input(key="sign_in_password").input(password)
    next(button for button in at.button if button.label == "登录").click().run()
    assert not at.exception
    return at


def _flags_page(at: AppTest) -> AppTest:
    at.switch_page("app_pages/flags.py").run()
    assert not at.exception
    return at


def test_without_a_users_file_there_is_no_sign_in() -> None:
    at = _flags_page(_app())
    assert not _has_form(at)
    assert at.title[0].value == "疑点"
    assert any("本机使用，无需登录" in caption.value for caption in at.sidebar.caption)
    assert not [button for button in at.sidebar.button if button.key == "sign_out"]


def test_with_a_users_file_no_page_shows_before_signing_in(users_file: Path) -> None:
    at = _app()
    assert _has_form(at)
    assert [title.value for title in at.title] == ["登录"]
    assert not at.dataframe
    # Going straight to a page's address shows the form, not the page.
    at = _flags_page(at)
    assert _has_form(at) and [title.value for title in at.title] == ["登录"] and not at.dataframe
    # The password field hides what is typed.
    assert at.text_input(key="sign_in_password").proto.type == at.text_input(key="sign_in_password").proto.PASSWORD


@pytest.mark.parametrize(("name", "password"), [("zhang", "wrong"), ("nobody", PASSWORDS["zhang"]), ("", "")])
def test_a_wrong_name_or_password_gets_one_message_that_does_not_say_which(
    users_file: Path, name: str, password: str
) -> None:
    at = _sign_in(_app(), name, password)
    assert [error.value for error in at.error] == ["用户名或密码不正确，请重新输入。"]
    assert _has_form(at) and [title.value for title in at.title] == ["登录"]


def test_repeated_failures_slow_down(users_file: Path) -> None:
    at = _app()
    for _ in range(3):
        started = time.monotonic()
        _sign_in(at, "zhang", "guess")
        assert time.monotonic() - started < 1.0
    assert any("稍候" in caption.value for caption in at.caption)
    started = time.monotonic()
    _sign_in(at, "zhang", "guess again")
    assert time.monotonic() - started >= 1.0
    # The right password still gets in (after its wait), and the count starts over.
    _sign_in(at, "zhang", PASSWORDS["zhang"])
    assert not _has_form(at)


def test_a_viewer_reads_findings_and_history_but_cannot_triage(users_file: Path, triage_in_tmp: Path) -> None:
    at = _flags_page(_sign_in(_app(), "li", PASSWORDS["li"]))
    assert not _has_form(at) and at.title[0].value == "疑点"
    assert any("李查看" in md.value and "只读" in md.value for md in at.sidebar.markdown)
    assert len(at.dataframe[0].value) > 0  # the findings
    picked = at.selectbox(key="flags_pick").value
    assert not [button for button in at.button if button.key == "triage_save"]
    assert not [radio for radio in at.radio if radio.key == f"triage_status_{picked}"]
    assert any("你的角色为只读" in info.value for info in at.info)
    # An auditor's decision on that flag shows in the viewer's history.
    open_triage(triage_in_tmp).record(picked, "已解释", note="见说明第2页", author="张审计")
    at.run()
    history = next(frame.value for frame in at.dataframe if "核实人" in frame.value.columns)
    assert history[["核实状态", "说明", "核实人"]].values.tolist() == [["已解释", "见说明第2页", "张审计"]]


def test_an_auditors_decision_carries_the_signed_in_name(users_file: Path, triage_in_tmp: Path) -> None:
    at = _flags_page(_sign_in(_app(), "zhang", PASSWORDS["zhang"]))
    assert any("张审计" in md.value and "核实人员" in md.value for md in at.sidebar.markdown)
    picked = at.selectbox(key="flags_pick").value
    at.radio(key=f"triage_status_{picked}").set_value("移交")
    # Another name typed wherever one could be: in the note, and in the key the old author field had.
    at.text_area(key=f"triage_note_{picked}").input("李查看核实：移交纪检")
    at.session_state["triage_author"] = "李查看"
    assert not [field for field in at.text_input if field.key == "triage_author"]
    assert any("核实人：张审计" in caption.value for caption in at.caption)
    at.button(key="triage_save").click().run()
    assert not at.exception
    rows = open_triage(triage_in_tmp).current().select("flag_id", "status", "note", "author").rows()
    assert rows == [(picked, "移交", "李查看核实：移交纪检", "张审计")]


def test_signing_out_shows_the_form_again(users_file: Path) -> None:
    at = _sign_in(_app(), "zhang", PASSWORDS["zhang"])
    at.sidebar.button(key="sign_out").click().run()
    assert not at.exception
    assert _has_form(at) and not at.dataframe


def test_a_user_taken_out_of_the_file_is_signed_out(users_file: Path) -> None:
    at = _sign_in(_app(), "li", PASSWORDS["li"])
    assert not _has_form(at)
    text = users_file.read_text(encoding="utf-8")
    users_file.write_text(text[: text.index('[[users]]\nname = "li"')], encoding="utf-8")
    at.run()
    assert _has_form(at)


def test_a_broken_users_file_lets_nobody_in(users_file: Path) -> None:
    users_file.write_text(_users_text().replace('role = "viewer"', 'role = "boss"'), encoding="utf-8")
    at = _app()
    assert not _has_form(at) and not at.dataframe
    assert len(at.error) == 1
    assert at.error[0].value.startswith("用户名单有误，修正之前任何人都不能登录：")
    assert "unknown role 'boss'" in at.error[0].value


def test_an_identity_provider_is_offered_when_configured(users_file: Path) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32}
    at.run()
    assert not at.exception
    assert [button.label for button in at.button if button.key == "sign_in_oidc"] == ["通过单位统一身份认证登录"]
    assert _has_form(at)  # the users file's passwords still work beside it


def test_the_sign_in_page_switches_to_english(users_file: Path) -> None:
    at = _app()
    at.sidebar.toggle(key="lang_en").set_value(True).run()
    assert [title.value for title in at.title] == ["Sign in"]
    at.text_input(key="sign_in_name").input("zhang")
    at.text_input(key="sign_in_password").input(PASSWORDS["zhang"])
    next(button for button in at.button if button.label == "Sign in").click().run()
    assert not _has_form(at)
    assert any("Signed in" in md.value for md in at.sidebar.markdown)


def test_a_viewer_cannot_import_or_remove_documents(users_file: Path, triage_in_tmp: Path) -> None:
    at = _sign_in(_app(), "li", PASSWORDS["li"])
    at.switch_page("app_pages/data.py").run()
    assert not at.exception
    assert any("只读" in info.value and "导入或移除" in info.value for info in at.info)
    assert next(button for button in at.button if button.key == "data_ingest").disabled
    assert next(button for button in at.button if button.key == "remove_go").disabled
    assert at.multiselect(key="remove_documents").disabled
    # An auditor may.
    at = _sign_in(_app(), "zhang", PASSWORDS["zhang"])
    at.switch_page("app_pages/data.py").run()
    assert not at.multiselect(key="remove_documents").disabled
    assert not any("导入或移除" in info.value for info in at.info)
