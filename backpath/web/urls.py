"""URLs. Records are addressed by UUID only; no name or other health data goes in a URL."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from backpath.accounts import sessions
from backpath.accounts import two_factor_views as two_step
from backpath.accounts import views as accounts
from backpath.api import key_views as api_keys
from backpath.api.api import api
from backpath.care import access_log_views as access_log
from backpath.care import content_views as content
from backpath.care import intake_views as intake
from backpath.care import letters
from backpath.care import portal_views as portal
from backpath.care import views as care
from backpath.fhir import patient_download
from backpath.followup import views as followup
from backpath.learning import views as learning
from backpath.prevention import views as prevention
from backpath.programs import exercise_views as exercises
from backpath.programs import views as programs
from backpath.quality import views as quality
from backpath.reminders import views as reminders
from backpath.web import pages, pwa

urlpatterns = [
    path("", accounts.home, name="home"),
    # Installable and offline (public): at the root, so the worker's scope is the whole site.
    path("manifest.webmanifest", pwa.manifest, name="web_manifest"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("offline/", pwa.offline, name="offline"),
    path("offline/saved/", pwa.offline, {"saved": True}, name="offline_saved"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-reset/", accounts.PasswordReset.as_view(), name="password_reset"),
    path("account/password/", accounts.PasswordChange.as_view(), name="password_change"),
    path("account/keepalive/", sessions.keepalive, name="keepalive"),
    path("account/two-step/", two_step.setup, name="two_factor_setup"),
    path("account/two-step/code/", two_step.verify, name="two_factor_verify"),
    path("account/two-step/off/", two_step.turn_off, name="two_factor_off"),
    path(
        "account/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("invite/<str:token>/", accounts.invitation_accept, name="invitation_accept"),
    path("language/", accounts.set_language, name="set_language"),
    path("clinic/", pages.dashboard, name="dashboard"),
    path("clinic/team/", accounts.team, name="team"),
    path("clinic/team/<int:user_id>/unlock/", accounts.member_unlock, name="member_unlock"),
    path("clinic/exercises/", exercises.exercise_list, name="exercise_list"),
    path("clinic/exercises/new/", exercises.exercise_new, name="exercise_new"),
    path("clinic/exercises/<uuid:exercise_pk>/", exercises.exercise_edit, name="exercise_edit"),
    path(
        "clinic/exercises/<uuid:exercise_pk>/archive/",
        exercises.exercise_archive,
        name="exercise_archive",
    ),
    path(
        "clinic/exercises/<uuid:exercise_pk>/media/<str:name>",
        exercises.exercise_media,
        name="exercise_media",
    ),
    path("clinic/quality/", quality.quality, name="quality"),
    path("clinic/quality/settings/", quality.quality_settings, name="quality_settings"),
    path("clinic/quality/episodes/", quality.quality_episodes, name="quality_episodes"),
    path("clinic/quality/csv/<str:table>/", quality.quality_csv, name="quality_csv"),
    path("clinic/quality/report/", quality.quality_report, name="quality_report"),
    path("clinic/api-keys/", api_keys.api_keys, name="api_keys"),
    path("clinic/api-keys/<str:prefix>/revoke/", api_keys.api_key_revoke, name="api_key_revoke"),
    path("clinic/access-log/", access_log.access_log, name="access_log"),
    path("clinic/access-log.csv", access_log.access_log_csv, name="access_log_csv"),
    path("clinic/patients/", care.patient_list, name="patient_list"),
    path("clinic/patients/new/", care.patient_new, name="patient_new"),
    path("clinic/patients/<uuid:patient_id>/", care.patient_detail, name="patient_detail"),
    path("clinic/patients/<uuid:patient_id>/edit/", care.patient_edit, name="patient_edit"),
    path("clinic/patients/<uuid:patient_id>/invite/", care.patient_invite, name="patient_invite"),
    path(
        "clinic/patients/<uuid:patient_id>/episodes/new/",
        care.episode_open,
        name="episode_open",
    ),
    path("episodes/<uuid:episode_id>/", pages.episode_detail, name="episode_detail"),
    path("episodes/<uuid:episode_id>/urgent-seen/", care.urgent_seen, name="urgent_seen"),
    path("episodes/<uuid:episode_id>/review/", care.review, name="review"),
    path("episodes/<uuid:episode_id>/gp-answer/", pages.gp_answer, name="gp_answer"),
    path("episodes/<uuid:episode_id>/plan/", care.plan_detail, name="plan_detail"),
    path("episodes/<uuid:episode_id>/plan/change/", care.plan_adjust, name="plan_adjust"),
    path("episodes/<uuid:episode_id>/sessions/new/", care.session_new, name="session_new"),
    path("episodes/<uuid:episode_id>/sessions/check/", care.session_check, name="session_check"),
    path("episodes/<uuid:episode_id>/close/", pages.episode_close, name="episode_close"),
    path("episodes/<uuid:episode_id>/letters/<str:kind>/", letters.letter, name="letter"),
    path(
        "episodes/<uuid:episode_id>/letters/<str:kind>/pdf/", letters.letter_pdf, name="letter_pdf"
    ),
    path("episodes/<uuid:episode_id>/intake/", intake.intake_safety, name="intake_safety"),
    path(
        "episodes/<uuid:episode_id>/intake/questionnaires/",
        intake.intake_questionnaires,
        name="intake_questionnaires",
    ),
    path("episodes/<uuid:episode_id>/intake/urgent/", intake.intake_urgent, name="intake_urgent"),
    path("episodes/<uuid:episode_id>/intake/done/", intake.intake_done, name="intake_done"),
    path(
        "episodes/<uuid:episode_id>/progress/", followup.episode_progress, name="episode_progress"
    ),
    path("clinic/alerts/<uuid:alert_id>/handled/", followup.alert_resolve, name="alert_resolve"),
    path("episodes/<uuid:episode_id>/program/", programs.program_detail, name="program_detail"),
    path("episodes/<uuid:episode_id>/program/edit/", programs.program_edit, name="program_edit"),
    path(
        "episodes/<uuid:episode_id>/program/adherence/",
        programs.adherence_view,
        name="program_adherence",
    ),
    path(
        "episodes/<uuid:episode_id>/program/booklet/",
        programs.program_booklet,
        name="program_booklet",
    ),
    path("me/today/", pages.today, name="today"),
    path("me/booklet/", programs.my_booklet, name="my_booklet"),
    path("me/today/exercise/", programs.log_exercise, name="log_exercise"),
    path("me/today/activity/", programs.log_quota, name="log_quota"),
    path("me/learn/", learning.learn, name="learn"),
    path("me/learn/<slug:module_id>/", learning.module_page, name="learn_module"),
    path("me/prevention/", prevention.overview, name="prevention"),
    path("me/prevention/<slug:kind>/", prevention.check_page, name="prevention_check"),
    path("me/reminders/", reminders.reminder_settings, name="reminder_settings"),
    path("me/reminders/calendar/", reminders.calendar_token_new, name="calendar_token_new"),
    path("calendar/<str:token>.ics", reminders.calendar_feed, name="calendar_feed"),
    path("me/diary/", followup.diary, name="diary"),
    path("me/check/", followup.recheck, name="recheck"),
    path("me/check/<uuid:check_id>/", followup.recheck_result, name="recheck_result"),
    path("me/flare-up/", followup.flare, name="flare"),
    path("me/questionnaires/", followup.questionnaires, name="questionnaires"),
    path("me/questionnaires/<slug:key>/", followup.questionnaire, name="questionnaire"),
    path("me/progress/", followup.portal_progress, name="portal_progress"),
    path("me/back-again/", followup.come_back, name="come_back"),
    path("me/", pages.home, name="portal_home"),
    path("me/plan/", portal.plan, name="portal_plan"),
    path("me/access/", access_log.my_access, name="my_access"),
    path("me/see-a-doctor/", portal.safety_net, name="portal_safety"),
    path("admin/clinical-content/", content.clinical_content, name="clinical_content"),
    path("api/v1/", api.urls),
    path("fhir/R4/", include("backpath.fhir.urls")),
    # The record as a FHIR file, beside the data-rights pages' JSON and PDF exports.
    path("me/my-data/export.fhir.json", patient_download.my_fhir, name="my_data_fhir"),
    path(
        "clinic/patients/<uuid:patient_id>/data/export.fhir.json",
        patient_download.patient_fhir,
        name="patient_data_fhir",
    ),
    path("", include("backpath.privacy.urls")),
    path("admin/", admin.site.urls),
]
