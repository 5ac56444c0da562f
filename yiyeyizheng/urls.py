from django.urls import path

from yiyeyizheng.views import (
    applications,
    assistance,
    guides,
    notices,
    progress,
    questionnaire,
    ratings,
    reviews,
)

app_name = "yiyeyizheng"

urlpatterns = [
    path("", questionnaire.format_list, name="format_list"),
    path("formats/<int:seq>/", questionnaire.questionnaire, name="questionnaire"),
    path("apply/<int:seq>/", applications.application_start, name="application_start"),
    path("applications/", applications.application_list, name="application_list"),
    path("applications/<str:number>/", applications.application_detail, name="application_detail"),
    path("applications/<str:number>/edit/", applications.application_edit, name="application_edit"),
    path(
        "applications/<str:number>/attachments/",
        applications.attachment_upload,
        name="attachment_upload",
    ),
    path(
        "applications/<str:number>/attachments/<int:pk>/",
        applications.attachment_download,
        name="attachment_download",
    ),
    path(
        "applications/<str:number>/attachments/<int:pk>/delete/",
        applications.attachment_delete,
        name="attachment_delete",
    ),
    path(
        "applications/<str:number>/licence-filings/",
        applications.licence_file,
        name="licence_file",
    ),
    path("applications/<str:number>/sign/", applications.application_sign, name="application_sign"),
    path(
        "applications/<str:number>/submit/",
        applications.application_submit,
        name="application_submit",
    ),
    path(
        "applications/<str:number>/withdraw/",
        applications.application_withdraw,
        name="application_withdraw",
    ),
    path(
        "applications/<str:number>/correct/",
        applications.application_correct,
        name="application_correct",
    ),
    path(
        "applications/<str:number>/accept/", reviews.application_accept, name="application_accept"
    ),
    path(
        "applications/<str:number>/acceptance-notice.pdf",
        notices.acceptance_notice,
        name="acceptance_notice",
    ),
    path(
        "applications/<str:number>/return/", reviews.application_return, name="application_return"
    ),
    path("licences/<int:pk>/change/", applications.licence_change, name="licence_change"),
    path("licences/<int:pk>/cancel/", applications.licence_cancel, name="licence_cancel"),
    path("licences/<int:pk>/reissue/", applications.licence_reissue, name="licence_reissue"),
    path("window/", reviews.clerk_queue, name="clerk_queue"),
    path("reviews/", reviews.review_list, name="review_list"),
    path("reviews/<int:pk>/", reviews.review_detail, name="review_detail"),
    path("progress/", progress.progress, name="progress"),
    path("formats/<int:seq>/guide/", guides.guide, name="guide"),
    path("applications/<str:number>/rate/", ratings.application_rate, name="application_rate"),
    path("ratings/", ratings.rating_list, name="rating_list"),
    path("assistance/", assistance.assistance_list, name="assistance_list"),
    path("assistance/<int:pk>/", assistance.assistance_detail, name="assistance_detail"),
    path(
        "assistance/<int:pk>/hand-over/",
        assistance.assistance_hand_over,
        name="assistance_hand_over",
    ),
    path("assistance/<int:pk>/cancel/", assistance.assistance_cancel, name="assistance_cancel"),
]
