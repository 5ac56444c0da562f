"""Telling the people concerned: portal notices for the entity's users, the clerks and the
reviewers, and e-mail for everyone with an address (through EMAIL_URL; off with
YIYEYIZHENG_EMAIL_NOTIFICATIONS=false).

Called inside the services' transactions; each mail is an outbox message (ADR 0014): it
leaves only after the commit, a mail server outage never fails the request that already
committed, and the mail is retried until sent.
"""

from django.conf import settings
from django.db.models import Q
from django.urls import reverse

from portal import outbox
from portal.models import Role, User
from portal.services import notify_entity, notify_users

SUBJECT_PREFIX = "【一业一证】"


def _mail(users, message: str) -> None:
    if not settings.YIYEYIZHENG_EMAIL_NOTIFICATIONS:
        return
    addresses = sorted({user.email for user in users if user.email})
    if not addresses:
        return
    subject = f"{SUBJECT_PREFIX}{message[:60]}"
    for address in addresses:  # one mail each: recipients do not see one another
        outbox.enqueue("portal.tasks.send_mail", subject, message, address)


def applicant(application, message: str) -> None:
    """A notice for every user of the applicant entity, and a mail to them."""
    link = reverse("yiyeyizheng:application_detail", args=[application.number])
    notify_entity(uscc=application.entity_uscc, message=message[:300], link=link)
    users = User.objects.filter(
        role=Role.ENTERPRISE, entity_uscc=application.entity_uscc, is_active=True
    )
    _mail(users, message)


def clerks(application, message: str) -> None:
    """A notice and a mail for the window clerks of the application's district."""
    users = list(
        User.objects.filter(
            role=Role.WINDOW_CLERK, district_id=application.district_id, is_active=True
        )
    )
    notify_users(users=users, message=message[:300], link=reverse("yiyeyizheng:clerk_queue"))
    _mail(users, message)


def departments(reviews, message: str) -> None:
    """A mail to the reviewers of each department (and district) the reviews go to."""
    scope = Q(pk__in=[])
    for review in reviews:
        own = Q(department_id=review.department_id)
        if review.district_id:
            own &= Q(district__isnull=True) | Q(district_id=review.district_id)
        scope |= own
    users = list(User.objects.filter(scope, role=Role.DEPARTMENT_REVIEWER, is_active=True))
    notify_users(users=users, message=message[:300], link=reverse("yiyeyizheng:review_list"))
    _mail(users, message)
