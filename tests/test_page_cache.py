"""The whole-page cache (treatments/cache.py): keyed on the page, never flooded or poisoned,
serving through a cache or database outage, and publishing at once."""

import logging
import re
from unittest import mock

import pytest
import redis
from django.contrib.auth.models import User
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.core.management import call_command
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper

from treatments import cache as page_cache
from treatments import publishing
from treatments.models import ContentChange, GlossaryTerm, SideEffect, Therapy
from treatments.templatetags import portal
from treatments.views import TherapyDetailView

pytestmark = pytest.mark.django_db

PAGE = "/en/treatments/car-t-cell-therapy/"
GUIDE = "/en/treatments/car-t-cell-therapy/side-effects/"
SEARCH = "/fr/recherche/"
CSP_START = "default-src 'self'"


def entries():
    """How many entries the cache holds (each page, the content version, /healthz's)."""
    backend = caches["default"]
    if isinstance(backend, LocMemCache):
        return len(backend._cache)
    return backend._cache.get_client(None).dbsize()


@pytest.fixture
def database_down():
    """A context manager: every query fails, as with a stopped or unreachable database."""

    def down():
        failure = OperationalError("could not connect to server")
        return mock.patch.object(BaseDatabaseWrapper, "cursor", side_effect=failure)

    return down


def test_a_hit_needs_no_query_and_keeps_every_header(client, django_assert_num_queries):
    first = client.get(PAGE)
    with django_assert_num_queries(0):
        again = client.get(PAGE)
    assert again.status_code == 200
    assert again.content == first.content and "CAR-T cell therapy" in again.content.decode()
    for header in (
        "Content-Security-Policy",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
        "Content-Language",
        "ETag",
        "Last-Modified",
    ):
        assert again[header] == first[header], header
    assert again["Content-Security-Policy"].startswith(CSP_START)
    assert again["Content-Length"] == str(len(again.content))


def test_a_head_request_is_served_from_the_cache(client, django_assert_num_queries):
    length = len(client.get(PAGE).content)
    with django_assert_num_queries(0):
        response = client.head(PAGE)
    assert response.status_code == 200 and response.content == b""
    assert response["Content-Length"] == str(length)


def test_a_hit_answers_a_revisit_with_a_304(client):
    etag = client.get(PAGE)["ETag"]
    client.get(PAGE)  # from the cache now
    revisit = client.get(PAGE, HTTP_IF_NONE_MATCH=etag)
    assert revisit.status_code == 304 and revisit.content == b""


def test_junk_query_parameters_cost_no_new_entry_and_never_reach_the_page(client):
    canonical = client.get(PAGE).content
    count = entries()
    for number in range(30):
        response = client.get(PAGE, {"utm_source": f"mail{number}", "x": "<b>junk</b>"})
        assert response.status_code == 200
        assert response.content == canonical
    assert entries() == count
    assert b"utm_source" not in canonical and b"junk" not in canonical


def test_a_page_parameter_counts_only_in_its_canonical_form(client):
    whole = client.get(GUIDE).content.decode()
    count = entries()
    # Values the guide does not know show the whole guide: the same entry.
    for junk in ("soon", "", "<script>", "first-weeks<"):
        assert client.get(GUIDE, {"when": junk}).content.decode() == whole
    assert entries() == count
    narrowed = client.get(GUIDE, {"when": "first-weeks", "utm": "1"}).content.decode()
    assert narrowed != whole
    assert entries() == count + 1
    # The language switcher keeps the canonical query string, and nothing else.
    assert 'href="/fr/traitements/cellules-car-t/effets-indesirables/?when=first-weeks"' in (
        narrowed
    )
    assert client.get(GUIDE, {"utm": "2", "when": "first-weeks"}).content.decode() == narrowed
    assert entries() == count + 1


def test_a_search_is_cached_per_query_as_the_page_shows_it(client):
    first = client.get(SEARCH, {"q": "greffe"}).content.decode()
    assert 'value="greffe"' in first
    count = entries()
    for same in ("greffe ", "  greffe", "greffe\t"):
        assert client.get(SEARCH, {"q": same, "page": "2"}).content.decode() == first
    assert entries() == count


@pytest.mark.parametrize("host", ["127.0.0.1:9999", "localhost:1", "127.0.0.1.", "LOCALHOST"])
def test_another_port_or_spelling_of_the_host_creates_no_entry(client, host):
    client.get(PAGE, HTTP_HOST="localhost")  # the page and the content version: cached
    count = entries()
    for _ in range(3):
        response = client.get(PAGE, HTTP_HOST=host)
        assert response.status_code == 200
        assert f"//{host}/en/" in response.content.decode()  # its own canonical address...
    assert entries() == count  # ...never stored for anyone else
    assert f"//{host}/" not in client.get(PAGE, HTTP_HOST="localhost").content.decode()


def test_an_unknown_host_is_refused_and_creates_no_entry(client):
    client.get(PAGE)  # the content version is in the cache (the 400 page reads it too)
    count = entries()
    assert client.get(PAGE, HTTP_HOST="evil.example").status_code == 400
    assert entries() == count


def test_the_server_port_is_part_of_the_host(client):
    response = client.get(PAGE, HTTP_HOST="127.0.0.1:8000", SERVER_PORT="8000")
    count = entries()
    assert client.get(PAGE, HTTP_HOST="127.0.0.1:8000", SERVER_PORT="8000").content == (
        response.content
    )
    assert entries() == count
    assert "http://127.0.0.1:8000/en/treatments/" in response.content.decode()


def test_an_https_page_never_reaches_a_plain_http_visitor(client):
    """What gunicorn does with X-Forwarded-Proto: https from its proxy, without DJANGO_HTTPS."""
    secure = client.get(PAGE, secure=True, HTTP_X_FORWARDED_PROTO="https").content.decode()
    assert '<link rel="canonical" href="https://testserver/en/' in secure
    plain = client.get(PAGE).content.decode()
    assert '<link rel="canonical" href="http://testserver/en/' in plain
    assert "https://testserver" not in plain
    assert client.get(PAGE, secure=True).content.decode() == secure


def test_a_bogus_session_cookie_is_served_from_the_cache(client, django_assert_num_queries):
    client.get(PAGE)
    client.cookies["sessionid"] = "not-a-session"
    with django_assert_num_queries(0):
        response = client.get(PAGE)
    assert response.status_code == 200 and "CAR-T cell therapy" in response.content.decode()
    assert "Set-Cookie" not in response.headers


def test_staff_see_the_public_page_and_their_previews_stay_out_of_the_cache(client):
    public = client.get(PAGE).content
    therapy = Therapy.objects.working().get(key="car-t")
    user = User.objects.create_superuser("boss", "boss@example.org", "a-long-password-1")
    client.force_login(user)
    assert client.get(PAGE).content == public  # anonymous: a staff session changes nothing
    count = entries()
    preview = client.get(f"/admin/treatments/therapy/{therapy.pk}/preview/en/")
    assert preview.status_code == 200 and "Preview for staff" in preview.content.decode()
    assert entries() == count
    client.logout()
    assert "Preview for staff" not in client.get(PAGE).content.decode()


def test_a_public_page_is_rendered_for_an_anonymous_visitor_whoever_asks(client):
    """So that a staff session can never put anything of its own into the public cache."""
    seen = []
    original = TherapyDetailView.get_context_data

    def spy(view, **kwargs):
        seen.append((view.request.user.is_authenticated, dict(view.request.COOKIES)))
        return original(view, **kwargs)

    user = User.objects.create_superuser("boss", "boss@example.org", "a-long-password-1")
    client.force_login(user)
    client.cookies["django_language"] = "fr"
    with mock.patch.object(TherapyDetailView, "get_context_data", spy):
        assert client.get(PAGE).status_code == 200
    assert seen == [(False, {})]


def test_a_new_version_overwrites_the_old_page(client):
    client.get(PAGE)
    count = entries()
    for number in range(3):
        therapy = Therapy.objects.working().get(key="car-t")
        therapy.summary_en = f"Summary number {number}."
        therapy.save()
        publishing.publish(therapy)
        assert f"Summary number {number}." in client.get(PAGE).content.decode()
    assert entries() == count


def test_a_published_change_reaches_the_next_visitor_at_once(client):
    assert "CAR-T cell therapy" in client.get(PAGE).content.decode()
    therapy = Therapy.objects.working().get(key="car-t")
    therapy.summary_en = "A new summary, reviewed today."
    therapy.save()
    publishing.publish(therapy)
    assert "A new summary, reviewed today." in client.get(PAGE).content.decode()
    # A shared side effect published on its own updates the guides that show it.
    client.get(GUIDE)
    fatigue = SideEffect.objects.working().get(key="fatigue")
    fatigue.name_en = "Tiredness (fatigue)"
    fatigue.save()
    publishing.publish(fatigue)
    assert "Tiredness (fatigue)" in client.get(GUIDE).content.decode()


def test_a_host_that_read_the_previous_version_during_a_publish_cannot_bring_it_back(
    client, django_capture_on_commit_callbacks
):
    """Another host read the content version from the database just before the publish was
    committed, and stores it in the cache just after: the pages still show the new text."""
    client.get(PAGE)
    previous = page_cache._version_in_database()
    therapy = Therapy.objects.working().get(key="car-t")
    therapy.summary_en = "Published while another host was reading."
    therapy.save()
    with django_capture_on_commit_callbacks(execute=True):
        publishing.publish(therapy)
    backend = caches["default"]
    marker = page_cache._marker_stamp() if isinstance(backend, LocMemCache) else None
    backend.add(page_cache.VERSION_KEY, (marker, previous), page_cache.VERSION_SECONDS)
    page_cache._watch.forget()  # as after a message: the cache's copy is read again
    assert "Published while another host was reading." in client.get(PAGE).content.decode()


def test_content_changed_without_arguments_publishes(client):
    client.get(PAGE)
    Therapy.objects.filter(key="car-t").update(summary_en="Changed without a signal.")
    assert "Changed without a signal." not in client.get(PAGE).content.decode()
    page_cache.content_changed()
    assert "Changed without a signal." in client.get(PAGE).content.decode()


def test_a_release_renders_every_page_again(client):
    """Every release runs migrate: no page rendered by the previous code stays in the cache."""
    client.get(PAGE)
    Therapy.objects.filter(key="car-t").update(summary_en="As the new release shows it.")
    call_command("migrate", verbosity=0)
    assert "As the new release shows it." in client.get(PAGE).content.decode()


def another_host_published(announce=True):
    """What this process sees when another gunicorn worker (another host with Redis)
    published: the database's version moved, and the marker (or, with Redis, the cache's copy
    of the version and the channel) told the others, unless `announce` is false."""
    ContentChange.objects.filter(pk=1).update(changed_at="2030-01-01T00:00:00Z")
    backend = caches["default"]
    if isinstance(backend, LocMemCache):
        page_cache._touch_marker()  # the other worker's local cache is its own
    elif announce:
        page_cache.announce_new_version(backend)
    else:  # its message lost on the way
        backend.delete(page_cache.VERSION_KEY)


def test_another_worker_s_change_reaches_this_one(client, django_assert_num_queries):
    client.get(PAGE)
    Therapy.objects.filter(key="car-t").update(summary_en="Published by another worker.")
    another_host_published()
    assert "Published by another worker." in client.get(PAGE).content.decode()
    with django_assert_num_queries(0):
        assert "Published by another worker." in client.get(PAGE).content.decode()


def test_a_cached_page_is_served_while_the_database_is_down(client, database_down):
    client.get(PAGE)
    with database_down():
        response = client.get(PAGE)
        assert response.status_code == 200 and "CAR-T cell therapy" in response.content.decode()
        # Even when the cache no longer knows the content version: the copy is all there is.
        cache.delete(page_cache.VERSION_KEY)
        for _ in range(3):
            response = client.get(PAGE)
            assert response.status_code == 200
            assert "CAR-T cell therapy" in response.content.decode()


def test_a_page_not_cached_is_rendered_from_what_this_process_keeps_while_the_database_is_down(
    client, database_down
):
    """A page this process has rendered once, asked at another address (not in the page
    cache), while the database is down: built from the objects kept for the content version,
    even once the cache no longer knows that version."""
    pages = {PAGE: "CAR-T cell therapy", GUIDE: "CAR-T", "/en/side-effects/": "Fatigue"}
    for path in pages:
        client.get(path)
    with database_down():
        for host in ("localhost", "127.0.0.1"):  # two addresses: neither copy is served
            if host == "127.0.0.1":
                cache.delete(page_cache.VERSION_KEY)
            for path, words in pages.items():
                response = client.get(path, HTTP_HOST=host)
                assert response.status_code == 200 and words in response.content.decode()


STOPPED_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",  # the discard port: nothing listens
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}


def test_a_stopped_redis_means_pages_rendered_without_it(client, settings, caplog):
    settings.CACHES = STOPPED_REDIS
    caplog.set_level(logging.WARNING, logger="treatments.cache")
    for path in (PAGE, GUIDE, "/fr/", PAGE):
        response = client.get(path)
        assert response.status_code == 200
        assert re.search(r"<h1>[^<]+</h1>", response.content.decode())
        assert response["Content-Security-Policy"].startswith(CSP_START)
    warnings = [r for r in caplog.records if "the cache failed" in r.getMessage()]
    assert len(warnings) == 1  # then left alone for a few seconds: no log flood, no waiting
    assert "rendered without it" in warnings[0].getMessage()
    # A publish while Redis is down still works (the next request reads the database).
    therapy = Therapy.objects.working().get(key="car-t")
    therapy.summary_en = "Saved while Redis was down."
    therapy.save()
    publishing.publish(therapy)
    page_cache.reset()
    assert "Saved while Redis was down." in client.get(PAGE).content.decode()


def test_while_redis_is_stopped_a_page_served_again_costs_one_query(
    client, settings, django_assert_num_queries
):
    """Without the shared cache, each process serves its own copy of a page it has just
    rendered, for the content version the database gives: a flood while Redis is down
    costs a query a request, not a page rendered each time."""
    settings.CACHES = STOPPED_REDIS
    first = client.get(PAGE).content.decode()
    with django_assert_num_queries(1):  # the content version
        assert client.get(PAGE).content.decode() == first
    therapy = Therapy.objects.working().get(key="car-t")
    therapy.summary_en = "Published while Redis was down."
    therapy.save()
    publishing.publish(therapy)
    assert "Published while Redis was down." in client.get(PAGE).content.decode()


def test_with_redis_and_the_database_both_down_the_process_s_copy_is_served(
    client, settings, database_down
):
    settings.CACHES = STOPPED_REDIS
    first = client.get(PAGE).content.decode()
    with database_down():
        response = client.get(PAGE)
    assert response.status_code == 200 and response.content.decode() == first


def _definition_on(page_html, slug):
    found = re.search(rf'<span id="page-g-{slug}" role="tooltip">([^<]*)</span>', page_html)
    return found and found.group(1)


def test_the_glossary_is_read_once_per_content_version(client, django_assert_num_queries):
    client.get(PAGE)
    # Another page, not cached: neither the version nor the glossary (nor the treatment
    # and the pages that name it) is read again.
    with django_assert_num_queries(0):
        html = client.get(PAGE, HTTP_HOST="localhost").content.decode()
    assert _definition_on(html, "relapse").startswith("The return of the disease")


def test_a_published_glossary_term_reaches_every_page_at_once(client):
    assert _definition_on(client.get(PAGE).content.decode(), "relapse")
    term = GlossaryTerm.objects.working().get(key="relapse")
    term.definition_en = "When the illness comes back."
    term.save()
    # A working version: the public page still explains the published definition.
    assert _definition_on(client.get(PAGE).content.decode(), "relapse").startswith("The return")
    publishing.publish(term)
    assert _definition_on(client.get(PAGE).content.decode(), "relapse") == (
        "When the illness comes back."
    )


def test_another_worker_s_glossary_change_reaches_this_one(client):
    """The glossary this process keeps is read again when another process moved the version."""
    client.get(PAGE)
    GlossaryTerm.objects.published().filter(key="relapse").update(
        definition_html_en="<p>Published by another worker.</p>"
    )
    another_host_published()
    html = client.get(PAGE, HTTP_HOST="localhost").content.decode()
    assert _definition_on(html, "relapse") == "Published by another worker."


def test_an_editor_s_save_leaves_the_cached_page_and_a_publish_renders_it_again(
    client, django_assert_num_queries
):
    from .builders import make_reviewer
    from .test_admin_workflow import EDITORS, change_url, form_data, publish_url, staff

    before = client.get(PAGE).content.decode()
    working = Therapy.objects.working().get(key="car-t")
    staff(client, EDITORS, "editor")
    data = form_data(client, working, summary_en="A summary nobody has reviewed yet.")
    assert client.post(change_url(working), data).status_code == 302
    step = working.steps.first()
    step.title_en = "A step nobody has reviewed yet"
    step.save()
    working.sources.remove(working.sources.first())
    client.logout()
    with django_assert_num_queries(0):  # still a hit: the working version is not online
        assert client.get(PAGE).content.decode() == before

    client.force_login(make_reviewer())
    assert client.post(publish_url(working)).status_code == 302
    client.logout()
    # Rendered again: the version, the treatment's 4 queries; and once per content version the
    # diseases and articles that name treatments (4), the glossary, the figures, the service's
    # numbers and the warning box's signs.
    with django_assert_num_queries(13):
        html = client.get(PAGE).content.decode()
    assert "A summary nobody has reviewed yet." in html
    assert "A step nobody has reviewed yet" in html


def test_a_page_this_process_served_is_not_read_from_the_shared_cache_again(client):
    first = client.get(PAGE).content
    backend = caches["default"]
    with mock.patch.object(backend, "get_many", wraps=backend.get_many) as get_many:
        assert client.get(PAGE).content == first
    # The content version at most (a few bytes), not the page (40 kB).
    assert [call.args for call in get_many.call_args_list] in ([], [([page_cache.VERSION_KEY],)])
    # A new version: the local copy is not served, the page is rendered again.
    therapy = Therapy.objects.working().get(key="car-t")
    therapy.summary_en = "Published after the local copy was kept."
    therapy.save()
    publishing.publish(therapy)
    assert "Published after the local copy was kept." in client.get(PAGE).content.decode()


def test_a_disease_renamed_and_published_shows_on_the_treatment_page_at_once(client):
    """The pages that name a treatment are kept per content version: a publish is seen."""
    from treatments.models import Disease

    disease = Disease.objects.working().filter(therapies__key="car-t").first()
    assert f">{disease.name_en}</a>" in client.get(PAGE).content.decode()
    disease.name_en = "A renamed blood cancer"
    disease.save()
    assert "A renamed blood cancer" not in client.get(PAGE).content.decode()  # not reviewed
    publishing.publish(disease)
    html = client.get(PAGE).content.decode()
    assert '<a href="/en/diseases/' in html and ">A renamed blood cancer</a>" in html


def test_what_is_kept_per_content_version_holds_the_current_version_only():
    """A linked article body, a glossary...: a publish empties the process's copies, so
    that texts no page shows any more are not kept for the life of the worker."""
    computed = []

    @page_cache.per_content_version
    def double(number):
        computed.append(number)
        return 2 * number

    assert (double(1), double(1)) == (2, 2)
    assert computed == [1]  # once per content version
    memo = page_cache._memos[-1]
    assert (1,) in memo
    page_cache.content_changed()
    assert double(2) == 4
    assert (1,) not in memo and (2,) in memo
    assert double(1) == 2 and computed == [1, 2, 1]


def test_a_page_not_cached_is_built_from_objects_kept_per_content_version(
    client, settings, django_assert_num_queries
):
    """With the page cache off (every request renders), a page's object and a list page's
    objects are read once per content version: a publish is seen at the next request, a
    working change only in the staff preview."""
    settings.PAGE_CACHE_SECONDS = 0
    for path in (PAGE, "/en/side-effects/"):
        client.get(path)
    with django_assert_num_queries(0):
        assert "CAR-T cell therapy" in client.get(PAGE).content.decode()
        assert "Cytokine release syndrome" in client.get("/en/side-effects/").content.decode()
    therapy = Therapy.objects.working().get(key="car-t")
    therapy.name_en = "CAR-T cells, renamed"
    therapy.save()
    side_effect = SideEffect.objects.working().get(key="cytokine-release-syndrome")
    side_effect.name_en = "Cytokine storm, renamed"
    side_effect.save()
    assert "CAR-T cells, renamed" not in client.get(PAGE).content.decode()
    user = User.objects.create_superuser("boss", "boss@example.org", "a-long-password-1")
    client.force_login(user)
    preview = client.get(f"/admin/treatments/therapy/{therapy.pk}/preview/en/").content.decode()
    assert "CAR-T cells, renamed" in preview
    client.logout()
    publishing.publish(therapy)
    publishing.publish(side_effect)
    assert "CAR-T cells, renamed" in client.get(PAGE).content.decode()
    assert "Cytokine storm, renamed" in client.get("/en/side-effects/").content.decode()
    # An address that finds nothing is looked up each time: nothing is kept for it.
    for _ in range(2):
        with django_assert_num_queries(1):
            assert client.get("/en/treatments/no-such-treatment/").status_code == 404


def test_a_published_article_is_rendered_once_per_content_version(client, settings):
    """With the page cache off, a page's article is kept per content version: one per
    page, language and parameter the page reads; junk parameters and staff previews keep
    nothing; a publish renders it again."""
    settings.PAGE_CACHE_SECONDS = 0
    kept = portal._kept_fragments
    first = client.get(PAGE).content
    assert len(kept) == 1 and client.get(PAGE).content == first
    later = client.get(f"{GUIDE}?when=later").content.decode()
    whole = client.get(GUIDE).content.decode()
    assert len(kept) == 3
    chosen = '<a href="?when=later" aria-current="true">'
    assert chosen in later and chosen not in whole
    for number in range(20):
        assert client.get(f"{PAGE}?utm_source={number}").status_code == 200
    assert len(kept) == 3
    assert "Understanding your treatment" in client.get("/en/").content.decode()
    assert client.get("/en/?utm_source=1").status_code == 200
    assert len(kept) == 4
    therapy = Therapy.objects.working().get(key="car-t")
    therapy.summary_en = "A summary only the staff preview shows."
    therapy.save()
    user = User.objects.create_superuser("boss", "boss@example.org", "a-long-password-1")
    client.force_login(user)
    preview = client.get(f"/admin/treatments/therapy/{therapy.pk}/preview/en/").content.decode()
    assert "A summary only the staff preview shows." in preview
    client.logout()
    assert len(kept) == 4 and client.get(PAGE).content == first
    publishing.publish(therapy)
    assert "A summary only the staff preview shows." in client.get(PAGE).content.decode()
    assert len(kept) == 1


def test_a_page_rendered_while_a_read_failed_is_neither_cached_nor_kept(client, caplog):
    """The warning box's signs could not be read (the database went away after the page's
    own objects were kept): the page says whom to call, and the next visitor gets it whole."""
    signs = "Fever of 38"
    with mock.patch(
        "treatments.context_processors._signs_on_every_page",
        side_effect=OperationalError("the database went away"),
    ):
        response = client.get(PAGE)
    assert response.status_code == 200
    assert signs not in response.content.decode()
    assert "call your care team at once, day or night" in response.content.decode()
    assert "The warning box's signs could not be read" in caplog.text
    assert signs in client.get(PAGE).content.decode()


needs_redis = pytest.mark.skipif(
    not isinstance(caches["default"], RedisCache),
    reason="the channel of publishes is Redis's (REDIS_URL; .ci/run's second pass)",
)


@pytest.fixture
def redis_commands(monkeypatch):
    """Counts the commands this process sends to Redis (listening on the channel sends none)."""
    sent = []
    execute = redis.Redis.execute_command
    monkeypatch.setattr(
        redis.Redis,
        "execute_command",
        lambda self, *args, **kw: sent.append(args[0]) or execute(self, *args, **kw),
    )
    monkeypatch.setattr(page_cache, "WATCH_SECONDS", 60)  # a slow test is not a silent channel
    return sent


@needs_redis
def test_with_redis_a_kept_page_is_served_without_asking_redis_until_a_publish_is_heard(
    client, redis_commands
):
    first = client.get(PAGE).content
    for _ in range(3):  # the version read again once the subscription is confirmed
        assert client.get(PAGE).content == first
    redis_commands.clear()
    for _ in range(5):
        assert client.get(PAGE).content == first
    assert redis_commands == []
    Therapy.objects.filter(key="car-t").update(summary_en="Published by another host.")
    another_host_published()
    redis_commands.clear()
    assert "Published by another host." in client.get(PAGE).content.decode()
    assert redis_commands[:1] == ["MGET"]  # the version, read again


@needs_redis
def test_with_redis_a_subscription_lost_and_renewed_misses_no_publish(client, redis_commands):
    first = client.get(PAGE).content
    for _ in range(3):
        assert client.get(PAGE).content == first
    # The server drops this process's subscription (a restart, a network cut, a timeout)...
    redis_client = caches["default"]._cache.get_client(write=True)
    host, port = page_cache._watch._pubsub.connection._sock.getsockname()[:2]
    (listener,) = [
        client_info["id"]
        for client_info in redis_client.client_list(_type="pubsub")
        if client_info["addr"] == f"{host}:{port}"
    ]
    redis_client.client_kill_filter(_id=listener)
    # ... and another host publishes meanwhile: its message reaches nobody here.
    Therapy.objects.filter(key="car-t").update(summary_en="Published while nobody listened.")
    another_host_published()
    assert "Published while nobody listened." in client.get(PAGE).content.decode()


@needs_redis
def test_with_redis_a_publish_whose_message_is_lost_is_seen_within_watch_seconds(
    client, redis_commands, monkeypatch
):
    client.get(PAGE)
    client.get(PAGE)
    Therapy.objects.filter(key="car-t").update(summary_en="Published, its message lost.")
    another_host_published(announce=False)
    monkeypatch.setattr(page_cache, "WATCH_SECONDS", 0)  # as when that time has passed
    assert "Published, its message lost." in client.get(PAGE).content.decode()


@needs_redis
def test_with_redis_a_silent_reconnection_misses_no_publish(client, redis_commands):
    """redis-py may reconnect and subscribe again within a poll, saying nothing: what was
    published while the connection was down is not heard, so the version is read again."""
    first = client.get(PAGE).content
    for _ in range(3):
        assert client.get(PAGE).content == first
    pubsub = page_cache._watch._pubsub
    poll = pubsub.get_message

    def reconnecting_poll(**kwargs):
        pubsub.connection.disconnect()
        Therapy.objects.filter(key="car-t").update(summary_en="Published during a reconnection.")
        another_host_published()
        pubsub.connection.connect()
        pubsub.get_message = poll  # once
        return None

    pubsub.get_message = reconnecting_poll
    assert "Published during a reconnection." in client.get(PAGE).content.decode()
