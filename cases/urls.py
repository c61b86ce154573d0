from django.urls import path

from cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_new, name="new"),
    path("export.csv", views.case_export, name="export"),
    path("pii-check/", views.pii_check, name="pii-check"),
    path("audit/", views.audit_list, name="audit"),
    path("audit/export.csv", views.audit_export, name="audit-export"),
    path("slip/", views.slip, name="slip"),
    path("closing-approvals/", views.closing_approvals, name="closing-approvals"),
    path("<str:reference>/", views.case_detail, name="detail"),
    path("<str:reference>/edit/", views.case_edit, name="edit"),
    path("<str:reference>/notes/", views.case_note_add, name="note-add"),
    path("<str:reference>/reassign/", views.case_reassign, name="reassign"),
    path("<str:reference>/close/", views.case_close, name="close"),
    path("<str:reference>/reopen/", views.case_reopen, name="reopen"),
    path("<str:reference>/closing/request/", views.case_closing_request, name="closing-request"),
    path("<str:reference>/closing/approve/", views.case_closing_approve, name="closing-approve"),
    path("<str:reference>/closing/return/", views.case_closing_return, name="closing-return"),
]
