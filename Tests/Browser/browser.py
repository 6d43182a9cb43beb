#!/usr/bin/env python3
"""The web app in a real browser: headless Chromium driven by selenium against the whole platform
(Tests/PythonSupport/expo_platform.py, every backend on a fresh schema).

A supplier and a purchaser, each in a browser of their own, register (the verification mail read
from the local SMTP sink), the supplier publishes a product once staff approved the company, the
purchaser finds it with a misspelt search, sends an inquiry, and the supplier's reply appears in the
purchaser's open conversation without a reload. The cookie banner stores a choice that survives a
reload and follows the visitor into the account; axe finds no serious or critical violation on
the main screens; the session token is never readable by the page's scripts. Screenshots of the
key screens go to --artifacts. Called by `deploy/stack test` and `deploy/stack browser`.
"""
import argparse
import email
import email.policy
import glob
import json
import os
import re
import secrets
import sys
import time
import unittest
import urllib.parse

from axe_selenium_python import Axe
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as conditions
from selenium.webdriver.support.ui import Select, WebDriverWait

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "PythonSupport"))
from expo_platform import BACKENDS, Platform  # noqa: E402

ARGS = None
WAIT = 30  # seconds: generous, the test must pass on a loaded machine


def browser():
    options = webdriver.ChromeOptions()
    for flag in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000", "--lang=en-US"]:
        options.add_argument(flag)
    options.binary_location = ARGS.chromium
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=ARGS.chromedriver))


class Page:
    """One person's browser, with the few moves the journey needs."""

    def __init__(self, base, name):
        self.base, self.name = base, name
        self.driver = browser()

    def open(self, path):
        self.driver.get(self.base + path)
        return self.wait_css("main:not([aria-busy]) h1")

    def wait_css(self, selector, text=None):
        def found(driver):
            try:
                for element in driver.find_elements(By.CSS_SELECTOR, selector):
                    if element.is_displayed() and (text is None or text in element.text):
                        return element
            except StaleElementReferenceException:
                pass  # the screen was redrawn while we looked: look again
            return False
        try:
            return WebDriverWait(self.driver, WAIT).until(found)
        except TimeoutException:
            raise AssertionError(f"{self.name}: no visible {selector!r} holding {text!r} at {self.driver.current_url}; "
                                 f"the page says: {self.driver.find_element(By.TAG_NAME, 'main').text[:600]!r}; "
                                 f"console: {self.console()}; screenshot: {self.screenshot('failure-' + self.name)}") from None

    def console(self):
        return [entry["message"] for entry in self.driver.get_log("browser")][-10:]

    def wait_heading(self, text):
        return self.wait_css("main:not([aria-busy]) h1", text)

    def field(self, label):
        xpath = f"//main//label[starts-with(normalize-space(.), {json.dumps(label)})]"
        element = WebDriverWait(self.driver, WAIT).until(conditions.presence_of_element_located((By.XPATH, xpath)))
        return self.driver.find_element(By.ID, element.get_attribute("for"))

    def fill(self, values):
        for label, value in values.items():
            control = self.field(label)
            if control.tag_name == "select":
                Select(control).select_by_value(value)
            elif control.get_attribute("type") == "date":
                # Typing into a date input depends on the browser's locale; the value does not.
                self.driver.execute_script("arguments[0].value = arguments[1]", control, value)
            else:
                control.clear()
                control.send_keys(value)

    def press(self, text):
        # In the page or the cookie banner, not the navigation (which has its own "Register").
        scope = "(//main | //section[@id='cookie-banner'])"
        xpath = f"{scope}//button[normalize-space(.)={json.dumps(text)}] | {scope}//a[normalize-space(.)={json.dumps(text)}]"
        element = WebDriverWait(self.driver, WAIT).until(conditions.element_to_be_clickable((By.XPATH, xpath)))
        # Centred, so the cookie banner at the bottom of the window does not cover it.
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        element.click()

    def fetch(self, path):
        """GET path from inside the page (with its cookies) and return the JSON."""
        return self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "fetch(arguments[0], {headers: {Accept: 'application/json'}}).then((r) => r.json()).then(done, (e) => done({error: String(e)}));",
            path)

    def screenshot(self, name):
        os.makedirs(ARGS.artifacts, exist_ok=True)
        path = os.path.join(ARGS.artifacts, f"{name}.png")
        self.driver.save_screenshot(path)
        return path

    def page_error(self):
        """The error the screen shows instead of its content, if it failed to load."""
        alerts = [a.text for a in self.driver.find_elements(By.CSS_SELECTOR, "#page-alert") if a.is_displayed()]
        return alerts[0] if alerts else None

    def serious_violations(self):
        axe = Axe(self.driver)
        axe.inject()
        results = axe.run()
        return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
                for v in results["violations"] if v["impact"] in ("serious", "critical")]

    def close(self):
        self.driver.quit()


def mail_to(address, since, subject_words):
    """The newest mail the sink stored for `address` after `since` whose subject holds `subject_words`."""
    folder = os.environ["EXPO_MAIL_SINK_DIR"]
    deadline = time.time() + WAIT
    while time.time() < deadline:
        for path in sorted(glob.glob(os.path.join(folder, "*.eml")), reverse=True):
            if os.path.getmtime(path) < since:
                break
            with open(path, "rb") as file:
                message = email.message_from_binary_file(file, policy=email.policy.default)
            if address in (message.get_all("X-Sink-Rcpt-To") or []) and subject_words.lower() in str(message["Subject"]).lower():
                part = message.get_body(preferencelist=("plain", "html"))
                return part.get_content()
        time.sleep(0.5)
    raise AssertionError(f"no mail about {subject_words!r} reached {address} within {WAIT} s")


class WebAppJourney(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.platform = Platform("web", ARGS.artifacts, fresh=BACKENDS, env={"marketing": {"EXPO_PUBLIC_BASE_URL": "PLACEHOLDER"}})
        # Mailed links must open this platform's web app: its port is known before it starts.
        cls.base = f"http://localhost:{cls.platform.port}"
        cls.platform.extra["marketing"]["EXPO_PUBLIC_BASE_URL"] = cls.base
        cls.platform.start()
        cls.suffix = secrets.token_hex(3)
        cls.supplier = Page(cls.base, "supplier")
        cls.purchaser = Page(cls.base, "purchaser")
        cls.staff = Page(cls.base, "staff")

    @classmethod
    def tearDownClass(cls):
        for page in (cls.supplier, cls.purchaser, cls.staff):
            page.close()
        cls.platform.stop()

    def register(self, page, business_type, company):
        address = f"{business_type}-{self.suffix}@example.com"
        since = time.time() - 1
        page.open("/register")
        page.fill({"Work email": address, "Password": f"correct horse {self.suffix} battery", "Company name": company,
                   "Your company is a": business_type, "Industry": "Machine tools", "Country": "DE",
                   "Your name": f"{business_type.title()} Person", "Telephone": "+49 30 1234567"})
        page.press("Register")
        page.wait_css("main", "Welcome!")
        # Asking for another link right away: the app says when one can be sent.
        page.open("/account")
        page.press("Send a new link")
        page.wait_css("#page-alert", "A link was sent moments ago")
        body = mail_to(address, since, "confirm")
        link = re.search(r"https?://\S+/verify-email\?token=[A-Za-z0-9_-]+", body)
        self.assertIsNotNone(link, f"the verification mail holds no link: {body[:300]}")
        self.assertTrue(link.group(0).startswith(self.base), "the mailed link opens this platform's web app")
        page.driver.get(link.group(0))
        page.press("Confirm my email")
        page.wait_css("main", "your email is confirmed")
        return address

    def test_journey(self):
        supplier, purchaser = self.supplier, self.purchaser
        product_name = f"Precision CNC lathe {self.suffix}"

        # The cookie banner: a choice survives a reload and follows the visitor into the account.
        purchaser.open("/")
        purchaser.wait_css("#cookie-banner", "Cookies on Online Expo")
        purchaser.screenshot("01-home-with-cookie-banner")
        purchaser.press("Essential only")
        WebDriverWait(purchaser.driver, WAIT).until(
            lambda d: not d.find_element(By.ID, "cookie-banner").is_displayed(), "the banner stays after a choice")
        purchaser.driver.refresh()
        purchaser.wait_css("main:not([aria-busy]) h1")
        time.sleep(1)
        self.assertFalse(purchaser.driver.find_element(By.ID, "cookie-banner").is_displayed(), "the banner came back after a reload")

        self.register(supplier, "supplier", f"Lathe Works {self.suffix}")
        purchaser_address = self.register(purchaser, "purchaser", f"Buyer GmbH {self.suffix}")
        consent = purchaser.fetch("/v1/me/consents")
        self.assertEqual((consent.get("analytics"), consent.get("personalization"), consent.get("consentRequired")), (False, False, False),
                         f"the visitor's choice was not carried into the account: {consent}")
        self.assertNotIn("expo_session", purchaser.driver.execute_script("return document.cookie"),
                         "the session token is readable by scripts")

        # Staff approve the supplier's company on the verification screen.
        staff = self.staff
        staff.open("/sign-in")
        staff.fill({"Email": self.platform.admin_email, "Password": self.platform.admin_password})
        staff.press("Sign in")
        staff.wait_css("#nav", "Staff")
        staff.open("/staff/verifications")
        card = staff.wait_css("main li", f"Lathe Works {self.suffix}")
        card.find_element(By.TAG_NAME, "summary").click()
        Select(card.find_element(By.CSS_SELECTOR, "select[name=decision]")).select_by_value("approve")
        card.find_element(By.CSS_SELECTOR, "textarea[name=reason]").send_keys("Registration documents checked.")
        staff.screenshot("02-staff-verification-queue")
        staff.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", card.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        card.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        staff.wait_css("#notice", "The decision is saved")
        supplier.driver.refresh()  # the shell reads the account (and its new capabilities) again

        # The supplier publishes a product.
        supplier.open("/my/products/new")
        supplier.wait_heading("Add a product")
        supplier.fill({"Product name": product_name, "Category": "cnc-lathes",
                       "Description": "Two-axis CNC lathe for shafts up to 500 mm.", "Specifications": "Swing: 400 mm\nSpindle: 4000 rpm",
                       "Lowest unit price": "18000", "Highest unit price": "24000", "Currency": "EUR",
                       "Minimum order quantity": "1", "Status": "published"})
        supplier.press("Create the product")
        supplier.wait_css("main h2", product_name)
        product_path = "/products/" + supplier.driver.current_url.rsplit("/", 1)[-1]
        supplier.screenshot("03-supplier-product-page")

        # A colleague saves a change while the supplier has the edit screen open: the supplier's save
        # is refused with an explanation instead of overwriting it, and works once the screen is reloaded.
        edit_path = "/my/products/" + product_path.rsplit("/", 1)[-1]
        supplier.open(edit_path)
        supplier.wait_heading("Edit the product")
        status = supplier.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "const csrf = document.cookie.split('; ').find((part) => part.startsWith('expo_csrf=')).slice('expo_csrf='.length);"
            "fetch(arguments[0], {method: 'PATCH', headers: {'Content-Type': 'application/json', 'X-CSRF-Token': decodeURIComponent(csrf)},"
            " body: JSON.stringify({keywords: ['lathe', 'colleague']})}).then((r) => done(r.status), (e) => done(String(e)));",
            "/v1/products/" + product_path.rsplit("/", 1)[-1])
        self.assertEqual(status, 200, "the colleague's change")
        supplier.fill({"Description": "Two-axis CNC lathe for shafts up to 500 mm, with a tailstock."})
        supplier.press("Save the product")
        supplier.wait_css("main .form-alert", "Someone changed this since you opened it")
        supplier.screenshot("03b-supplier-edit-conflict")
        supplier.open(edit_path)
        supplier.wait_heading("Edit the product")
        self.assertIn("colleague", supplier.field("Keywords (comma-separated)").get_attribute("value"))
        supplier.fill({"Description": "Two-axis CNC lathe for shafts up to 500 mm, with a tailstock."})
        supplier.press("Save the product")
        supplier.wait_css("main h2", product_name)

        # The purchaser finds it despite a typo, opens it and sends an inquiry.
        purchaser.open(f"/search?q=precison+lathe+{self.suffix}")
        result = purchaser.wait_css(".results a", product_name)
        purchaser.screenshot("04-search-results")
        result.click()
        purchaser.wait_css("main h2", product_name)
        purchaser.press("Follow")
        purchaser.wait_css("main button", "Unfollow")
        purchaser.fill({"Your message": "Could you quote 3 units delivered to Hamburg?"})
        purchaser.press("Send the inquiry")
        purchaser.wait_css(".messages", "quote 3 units")
        purchaser.driver.execute_script("window.__notReloaded = true")
        purchaser.screenshot("05-purchaser-conversation")

        # The supplier sees it as unread, opens it and answers.
        supplier.open("/conversations")
        supplier.wait_css("#nav .badge", "1")
        supplier.press(f"Buyer GmbH {self.suffix}")
        supplier.wait_css(".messages", "quote 3 units")
        supplier.fill({"Write a message": "Yes: 3 units at 21,000 EUR each, CIF Hamburg."})
        supplier.press("Send")
        supplier.wait_css(".messages", "21,000 EUR")
        supplier.screenshot("06-supplier-reply")

        # The reply appears in the purchaser's open conversation, live.
        purchaser.wait_css(".messages", "21,000 EUR")
        self.assertTrue(purchaser.driver.execute_script("return window.__notReloaded === true"), "the page was reloaded")
        purchaser.screenshot("07-purchaser-live-reply")

        # A purchasing requirement, matched to the supplier, who quotes; the purchaser sees the quote.
        rfq_title = f"3 CNC lathes for Hamburg {self.suffix}"
        purchaser.open("/rfqs/new")
        purchaser.fill({"Title": rfq_title, "Category": "cnc-lathes", "Quantity": "3", "Unit": "pieces",
                        "Destination country": "DE", "Quotes until": time.strftime("%Y-%m-%d", time.gmtime(time.time() + 30 * 86400))})
        purchaser.press("Post the requirement")
        purchaser.wait_css("main", rfq_title)
        rfq_path = urllib.parse.urlsplit(purchaser.driver.current_url).path
        supplier.open("/rfqs")
        supplier.wait_css("main a", rfq_title).click()
        supplier.fill({"Unit price": "21000", "Currency": "EUR", "Lead time in days": "45", "Terms": "CIF Hamburg, 30% advance."})
        supplier.screenshot("08-supplier-quoting")
        supplier.press("Send the quote")
        supplier.wait_css("#notice", "Your quote is sent")
        purchaser.open(rfq_path)
        purchaser.wait_css("main", f"Lathe Works {self.suffix}")
        purchaser.wait_css("main button", "Accept")
        purchaser.screenshot("09-purchaser-quotes")

        # Accessibility of the main screens, signed in and not.
        screens = {purchaser: ["/", f"/search?q=lathe+{self.suffix}", "/conversations", "/account", "/account/sessions",
                               "/notifications", "/rfqs", "/complaints", "/privacy", "/cookies", "/settings/notifications"],
                   supplier: ["/my/catalogue", "/my/products/new", "/my/showcase"]}
        failures = []
        for page, paths in screens.items():
            for path in paths:
                page.open(path)
                if page.page_error():
                    failures.append(f"{path}: the screen did not load: {page.page_error()}")
                failures += [f"{path}: {violation}" for violation in page.serious_violations()]
        anonymous = Page(self.base, "anonymous")
        try:
            for path in ["/register", "/sign-in", product_path]:
                anonymous.open(path)
                failures += [f"{path} (signed out): {violation}" for violation in anonymous.serious_violations()]
            anonymous.open("/register")
            anonymous.press("Register")
            anonymous.wait_css(".form-alert", "invalid")
            anonymous.wait_css(".field-error", "is required")
            anonymous.screenshot("14-register-field-errors")
            self.assertTrue(anonymous.driver.find_elements(By.CSS_SELECTOR, "input[aria-invalid=true]"),
                            "field errors are not shown next to the fields")
        finally:
            anonymous.close()
        self.assertEqual(failures, [], "axe found serious or critical violations")

        # Staff screens, for the admin.
        for path in ["/staff", "/staff/verifications", "/staff/complaints", "/staff/reports", "/staff/campaigns", "/staff/data-requests",
                     "/staff/incidents", "/staff/privacy-policy", "/staff/statistics"]:
            staff.open(path)
            self.assertIsNone(staff.page_error(), f"{path} did not load")
            self.assertEqual(staff.serious_violations(), [], f"axe: {path}")
        self.assertEqual(purchaser_address, f"purchaser-{self.suffix}@example.com")

        # The privacy center: an access request answered by every service, downloaded as a zip.
        purchaser.open("/privacy")
        purchaser.fill({"What do you ask for?": "access", "Your password": f"correct horse {self.suffix} battery"})
        purchaser.press("Send the request")
        purchaser.wait_heading("Data-protection request")
        deadline = time.time() + 60
        while not purchaser.driver.find_elements(By.PARTIAL_LINK_TEXT, "Download your data"):
            self.assertLess(time.time(), deadline, "the access request did not complete within 60 s")
            time.sleep(2)
            # The button goes once the request is finished, perhaps while we slept: click it only if it is there.
            try:
                for button in purchaser.driver.find_elements(By.XPATH, "//main//button[normalize-space(.)='Check again']"):
                    button.click()
            except StaleElementReferenceException:
                pass
        purchaser.screenshot("12-privacy-request-completed")
        download = purchaser.driver.find_element(By.PARTIAL_LINK_TEXT, "Download your data").get_attribute("href")
        head = purchaser.driver.execute_async_script("""
            const done = arguments[arguments.length - 1];
            fetch(arguments[0]).then(async (r) => done([r.status, r.headers.get('Content-Type'),
              Array.from(new Uint8Array(await r.arrayBuffer()).slice(0, 2))]), (e) => done([String(e)]));""", download)
        self.assertEqual(head, [200, "application/zip", [0x50, 0x4B]], "the export is not a zip the browser can download")

        # On a phone: the same screens in one column, still without violations.
        purchaser.driver.set_window_size(390, 844)
        for name, path in [("10-phone-search", f"/search?q=lathe+{self.suffix}"), ("11-phone-product", product_path)]:
            purchaser.open(path)
            purchaser.screenshot(name)
            self.assertEqual(purchaser.serious_violations(), [], f"axe on a phone: {path}")
            width = purchaser.driver.execute_script("return document.documentElement.scrollWidth")
            self.assertLessEqual(width, 390, f"{path} scrolls sideways on a phone")

    def test_too_many_sign_ins_say_when_to_try_again(self):
        # Last (after the journey, by name): it uses up this address's sign-in allowance.
        page = Page(self.base, "limited")
        try:
            page.open("/sign-in")
            statuses = page.driver.execute_async_script("""
                const done = arguments[arguments.length - 1];
                (async () => {
                  const seen = [];
                  for (let i = 0; i < 60 && !seen.includes(429); i++) {
                    const response = await fetch('/v1/sessions', {method: 'POST', headers: {'Content-Type': 'application/json'},
                      body: JSON.stringify({email: `nobody-${i}@example.com`, password: 'not the password'})});
                    seen.push(response.status);
                  }
                  return seen;
                })().then(done, (error) => done([String(error)]));""")
            self.assertIn(429, statuses, f"the sign-in limit never answered 429: {statuses}")
            page.fill({"Email": "nobody@example.com", "Password": "not the password"})
            page.press("Sign in")
            # The gateway's rate limit or accounts' count of failures from this address, whichever came first.
            alert = page.wait_css(".form-alert", "Please try again in")
            self.assertRegex(alert.text, r"(Too many requests|Too many failed sign-ins).* try again in \d+ seconds")
            page.screenshot("13-rate-limited-sign-in")
        finally:
            page.close()


def main():
    global ARGS
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--artifacts", required=True, help="folder for screenshots and process logs")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    ARGS, rest = parser.parse_known_args()
    program = unittest.main(argv=[sys.argv[0]] + rest, exit=False, verbosity=2)
    return 0 if program.result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
