"""The Tools page gives the same figures as the calculators (and so as the chat and the CLI)."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

PAGE = str(Path(__file__).resolve().parents[2] / "app" / "tools_page.py")


def test_guarantee_and_tax_forms_show_results_with_legal_basis():
    at = AppTest.from_file(PAGE, default_timeout=30).run()
    assert not at.exception, at.exception
    at.number_input[6].set_value(150000.0)  # goods' value in the guarantee form
    at.button[1].click().run()  # "Compute guarantee"
    assert any("RMB 75,000.00" in s.value for s in at.success), [s.value for s in at.success]
    assert any("Article 23" in m.value or "art-23" in m.value for m in at.markdown)
    at.number_input[0].set_value(3000.0)
    at.button[0].click().run()  # "Compute tax"
    assert any("RMB 273.00" in s.value for s in at.success)


def test_bad_input_is_explained_not_a_traceback():
    at = AppTest.from_file(PAGE, default_timeout=30).run()
    at.number_input[0].set_value(0.0)  # a price of zero makes no sense
    at.button[0].click().run()
    assert not at.exception and at.error and "unit_price" in at.error[0].value
