"""Pages of the "Vì người nghèo" fund: thin views over ``fund.selectors`` and ``fund.services``."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from giamngheo.accounts.permissions import capability_required
from giamngheo.accounts.roles import Capability
from giamngheo.accounts.scoping import can
from giamngheo.accounts.types import AuthenticatedRequest
from giamngheo.core.attachments import attachment_response
from giamngheo.core.choices import ExportKind
from giamngheo.core.exports import export_record
from giamngheo.core.views import get_or_404, int_param, paginate, submit
from giamngheo.core.xlsx import Column, Section, table_download, wants_xlsx
from giamngheo.org.selectors import department_for

from . import receipts, selectors, services
from .forms import CampaignForm, DisbursementForm, DonationForm
from .models import DonorKind, Method, Purpose

if TYPE_CHECKING:
    from giamngheo.accounts.models import User

    from .models import Campaign

VIEW_CAPABILITIES = (Capability.MANAGE_FUND, Capability.RECORD_DONATIONS, Capability.VIEW_ORG)


def _u(request: AuthenticatedRequest) -> User:
    return request.user


def view_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def wrapper(request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Any:
        if not any(can(request.user, c) for c in VIEW_CAPABILITIES):
            raise PermissionDenied("fund")
        return view(request, *args, **kwargs)

    return wrapper


def records_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def wrapper(request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> Any:
        if not (can(request.user, Capability.MANAGE_FUND) or can(request.user, Capability.RECORD_DONATIONS)):
            raise PermissionDenied("fund")
        return view(request, *args, **kwargs)

    return wrapper


def _crumbs(*tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("“For the poor” fund"), reverse("fund:campaign-list")), *tail]


def _campaign_crumbs(campaign: Campaign, *tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return _crumbs((campaign.name, reverse("fund:campaign-detail", args=[campaign.pk])), *tail)


def _vnd(amount: int | None) -> str:
    return "" if amount is None else f"{amount:,}".replace(",", ".") + " đ"


# Campaigns ------------------------------------------------------------------------------------------------
@view_required
@require_GET
def campaign_list(request: AuthenticatedRequest) -> HttpResponse:
    year = int_param(request, "year", maximum=2100, invalid="ignore")
    q = request.GET.get("q", "").strip()[:100]
    campaigns = selectors.campaign_list(user=_u(request), year=year, q=q)
    if wants_xlsx(request):
        rows = [
            [
                c.name,
                c.year,
                c.province.name,
                c.target_amount,
                int(getattr(c, "raised", 0) or 0),
                c.start_date,
                c.end_date,
            ]
            for c in campaigns
        ]
        return table_download(
            request,
            filename="chien-dich-quy-vi-nguoi-ngheo.xlsx",
            title=_("“For the poor” fund campaigns"),
            scope=", ".join(sorted({c.province.name for c in campaigns})) or "—",
            year=year,
            sections=[
                Section(
                    [
                        _("Campaign"),
                        _("Year"),
                        _("Province"),
                        Column(_("Target (đồng)"), 0),
                        Column(_("Raised (đồng)"), 0),
                        _("Start date"),
                        _("End date"),
                    ],
                    rows,
                )
            ],
        )
    return render(
        request,
        "fund/campaign_list.html",
        {
            "page_obj": paginate(request, campaigns),
            "year": year,
            "q": q,
            "years": selectors.campaign_years(user=_u(request)),
            "can_manage": can(request.user, Capability.MANAGE_FUND),
            "breadcrumbs": [(_("“For the poor” fund"), None)],
        },
    )


@view_required
@require_GET
def campaign_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    campaign = get_or_404(selectors.access_campaign_by_id, user=_u(request), campaign_id=pk)
    figures = selectors.campaign_figures(campaign=campaign)
    if wants_xlsx(request):
        return table_download(
            request,
            filename=f"quy-vi-nguoi-ngheo-{campaign.year}.xlsx",
            title=campaign.name,
            scope=campaign.province.name,
            year=campaign.year,
            sections=[
                Section(
                    [_("Donor kind"), _("Donations"), Column(_("Amount (đồng)"), 0)],
                    [[k.label, k.donations, k.amount] for k in figures.kinds]
                    + [[_("Total"), figures.donations, figures.raised]],
                    heading=_("By donor kind"),
                ),
                Section(
                    [
                        _("Unit"),
                        _("Staff"),
                        _("Staff who gave"),
                        Column(_("Share (%)"), 1),
                        Column(_("Amount (đồng)"), 0),
                    ],
                    [[u.unit.name, u.staff, u.staff_gave, u.share, u.amount] for u in figures.units]
                    + [[_("Total"), figures.staff, figures.staff_gave, figures.share, figures.units_total]],
                    heading=_("By unit"),
                ),
            ],
        )
    return render(
        request,
        "fund/campaign_detail.html",
        {
            "campaign": campaign,
            "figures": figures,
            "units": figures.units,
            "can_manage": can(request.user, Capability.MANAGE_FUND),
            "can_record": can(request.user, Capability.MANAGE_FUND)
            or can(request.user, Capability.RECORD_DONATIONS),
            "public_url": request.build_absolute_uri(reverse("fund:public", args=[campaign.pk])),
            "breadcrumbs": _crumbs((campaign.name, None)),
        },
    )


def _campaign_form(request: AuthenticatedRequest, campaign: Campaign | None = None) -> CampaignForm:
    user = _u(request)
    if campaign is None:
        provinces = selectors.provinces_to_pick(user=user)
        units = selectors.units_to_pick(user=user)
        initial: dict[str, Any] = {"year": timezone.localdate().year}
        return CampaignForm(request.POST or None, provinces=provinces, units=units, initial=initial)
    initial = {name: getattr(campaign, name) for name in services.CAMPAIGN_FIELDS} | {
        "version": campaign.version,
        "units": [u.pk for u in selectors.campaign_units(campaign=campaign)],
    }
    units = selectors.units_to_pick(user=user, province=campaign.province)
    return CampaignForm(request.POST or None, provinces=[], units=units, editing=True, initial=initial)


@capability_required(Capability.MANAGE_FUND)
@require_http_methods(["GET", "POST"])
def campaign_create(request: AuthenticatedRequest) -> HttpResponse:
    form = _campaign_form(request)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        province = next(
            (p for p in selectors.provinces_to_pick(user=_u(request)) if p.pk == data.pop("province")), None
        )
        if province is None:
            raise Http404
        unit_ids = set(data.pop("units"))
        units = [u for u in selectors.units_to_pick(user=_u(request)) if u.pk in unit_ids]
        campaign = submit(
            form,
            lambda: services.campaign_create(province=province, units=units, acting_user=_u(request), **data),
        )
        if campaign is not None:
            messages.success(request, _("The campaign was created."))
            return redirect("fund:campaign-detail", pk=campaign.pk)
    return render(
        request, "fund/campaign_form.html", {"form": form, "breadcrumbs": _crumbs((_("New campaign"), None))}
    )


@capability_required(Capability.MANAGE_FUND)
@require_http_methods(["GET", "POST"])
def campaign_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    campaign = get_or_404(selectors.access_campaign_by_id, user=_u(request), campaign_id=pk)
    form = _campaign_form(request, campaign)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        unit_ids = set(data.pop("units"))
        units = [
            u
            for u in selectors.units_to_pick(user=_u(request), province=campaign.province)
            if u.pk in unit_ids
        ]
        if submit(
            form,
            lambda: services.campaign_update(
                campaign=campaign, data=data, units=units, version=version, acting_user=_u(request)
            ),
        ):
            messages.success(request, _("The campaign was saved."))
            return redirect("fund:campaign-detail", pk=campaign.pk)
    return render(
        request,
        "fund/campaign_form.html",
        {"form": form, "campaign": campaign, "breadcrumbs": _campaign_crumbs(campaign, (_("Edit"), None))},
    )


# Donations ------------------------------------------------------------------------------------------------
@records_required
@require_GET
def donation_list(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    campaign = get_or_404(selectors.access_campaign_by_id, user=_u(request), campaign_id=pk)
    filters = selectors.DonationFilters(
        q=request.GET.get("q", "").strip()[:100],
        donor_kind=request.GET.get("donor_kind", ""),
        method=request.GET.get("method", ""),
        org_unit_id=int_param(request, "unit", invalid="ignore"),
    )
    donations = selectors.donation_list(user=_u(request), campaign=campaign, filters=filters)
    if wants_xlsx(request):
        if not can(request.user, Capability.DOWNLOAD_PERSONAL_DATA) and not can(
            request.user, Capability.MANAGE_FUND
        ):
            raise PermissionDenied("download")
        rows = [
            [
                d.receipt_number,
                d.date,
                str(DonorKind(d.donor_kind).label),
                d.donor_display,
                d.org_unit.name if d.org_unit else "",
                d.amount,
                str(Method(d.method).label),
                _("Yes") if d.anonymous else _("No"),
            ]
            for d in donations
        ]
        return table_download(
            request,
            filename=f"ung-ho-quy-{campaign.year}.xlsx",
            kind=ExportKind.DONATION_LIST,
            title=_("Donations of %(campaign)s") % {"campaign": campaign.name},
            scope=campaign.province.name,
            year=campaign.year,
            sections=[
                Section(
                    [
                        _("Receipt number"),
                        _("Date"),
                        _("Donor kind"),
                        _("Donor"),
                        _("Unit"),
                        Column(_("Amount (đồng)"), 0),
                        _("Method"),
                        _("Anonymous"),
                    ],
                    rows,
                )
            ],
        )
    return render(
        request,
        "fund/donation_list.html",
        {
            "campaign": campaign,
            "page_obj": paginate(request, donations),
            "filters": filters,
            "kinds": DonorKind.choices,
            "methods": Method.choices,
            "units": selectors.recording_units(user=_u(request), campaign=campaign),
            "breadcrumbs": _campaign_crumbs(campaign, (_("Donations"), None)),
        },
    )


@records_required
@require_http_methods(["GET", "POST"])
def donation_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    campaign = get_or_404(selectors.access_campaign_by_id, user=_u(request), campaign_id=pk)
    units = selectors.recording_units(user=_u(request), campaign=campaign)
    staff = selectors.staff_to_pick(user=_u(request), units=units)
    manager = can(request.user, Capability.MANAGE_FUND)
    kinds = (
        DonorKind.choices
        if manager
        else [c for c in DonorKind.choices if c[0] in (DonorKind.STAFF, DonorKind.UNIT)]
    )
    form = DonationForm(
        request.POST or None,
        units=units,
        staff=staff,
        initial={"date": min(max(timezone.localdate(), campaign.start_date), campaign.end_date)},
    )
    form.fields["donor_kind"].choices = kinds  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        unit = next((u for u in units if u.pk == c["org_unit"]), None)
        person = next((s for s in staff if s.pk == c["staff"]), None)
        if unit is None and person is not None and c["donor_kind"] == DonorKind.STAFF:
            unit = next((u for u in units if u.pk == person.org_unit_id), None)
        data = services.DonationInput(
            donor_kind=c["donor_kind"],
            amount=c["amount"],
            date=c["date"],
            method=c["method"],
            receipt_number=c["receipt_number"],
            org_unit=unit,
            staff=person,
            donor_name=c["donor_name"],
            anonymous=c["anonymous"],
            note=c["note"],
        )
        donation = submit(
            form, lambda: services.donation_create(campaign=campaign, data=data, acting_user=_u(request))
        )
        if donation is not None:
            messages.success(request, _("The donation was recorded."))
            if "another" in request.POST:
                return redirect("fund:donation-create", pk=campaign.pk)
            return redirect("fund:campaign-detail", pk=campaign.pk)
    return render(
        request,
        "fund/donation_form.html",
        {
            "form": form,
            "campaign": campaign,
            "breadcrumbs": _campaign_crumbs(campaign, (_("Record a donation"), None)),
        },
    )


@records_required
@require_GET
def donation_receipt(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    donation = get_or_404(selectors.access_donation_by_id, user=_u(request), donation_id=pk)
    department = department_for(user=_u(request))
    receipt = receipts.receipt_of(donation, organisation=department.name if department else "")
    fmt = "docx" if request.GET.get("format") == "docx" else "pdf"
    export_record(
        request=request,
        kind=ExportKind.DONATION_RECEIPT,
        fmt=fmt,
        rows=1,
        detail=f"{_('Receipt')} {donation.receipt_number}",
        filename=f"bien-nhan-{donation.pk}.{fmt}",
    )
    if fmt == "docx":
        content = receipts.receipt_docx(receipt)
        kind = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    else:
        content = receipts.receipt_pdf(receipt)
        kind = "application/pdf"
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="bien-nhan-{donation.pk}.{fmt}"'
    return response


# Disbursements --------------------------------------------------------------------------------------------
@capability_required(Capability.MANAGE_FUND)
@require_GET
def disbursement_list(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    campaign = get_or_404(selectors.access_campaign_by_id, user=_u(request), campaign_id=pk)
    q = request.GET.get("q", "").strip()[:100]
    purpose = request.GET.get("purpose", "")
    rows = selectors.disbursement_list(user=_u(request), campaign=campaign, q=q, purpose=purpose)
    if wants_xlsx(request):
        return table_download(
            request,
            filename=f"chi-quy-{campaign.year}.xlsx",
            kind=ExportKind.DISBURSEMENT_LIST,
            title=_("Disbursements of %(campaign)s") % {"campaign": campaign.name},
            scope=campaign.province.name,
            year=campaign.year,
            sections=[
                Section(
                    [
                        _("Date"),
                        _("Commune"),
                        _("Household code"),
                        _("Head of household"),
                        _("Purpose"),
                        Column(_("Amount (đồng)"), 0),
                        _("Decision"),
                    ],
                    [
                        [
                            r.date,
                            r.household.commune.name,
                            r.household.code,
                            r.household.head_name,
                            str(Purpose(r.purpose).label),
                            r.amount,
                            r.decision_number,
                        ]
                        for r in rows
                    ],
                )
            ],
        )
    return render(
        request,
        "fund/disbursement_list.html",
        {
            "campaign": campaign,
            "page_obj": paginate(request, rows),
            "q": q,
            "purpose": purpose,
            "purposes": Purpose.choices,
            "balance": selectors.balance(campaign=campaign),
            "breadcrumbs": _campaign_crumbs(campaign, (_("Disbursements"), None)),
        },
    )


@capability_required(Capability.MANAGE_FUND)
@require_http_methods(["GET", "POST"])
def disbursement_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    campaign = get_or_404(selectors.access_campaign_by_id, user=_u(request), campaign_id=pk)
    communes = selectors.communes_of_campaign(user=_u(request), campaign=campaign)
    form = DisbursementForm(request.POST or None, request.FILES or None, communes=communes)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        household = selectors.household_to_pick(
            user=_u(request), campaign=campaign, commune_id=c["commune"], code=c["household_code"]
        )
        row = submit(
            form,
            lambda: services.disbursement_create(
                campaign=campaign,
                household=household,
                amount=c["amount"],
                date=c["date"],
                purpose=c["purpose"],
                decision_number=c["decision_number"],
                decision_date=c["decision_date"],
                decision_file=c["decision_file"] or None,
                note=c["note"],
                acting_user=_u(request),
            ),
        )
        if row is not None:
            messages.success(request, _("The disbursement was recorded."))
            return redirect("fund:disbursement-list", pk=campaign.pk)
    return render(
        request,
        "fund/disbursement_form.html",
        {
            "form": form,
            "campaign": campaign,
            "balance": selectors.balance(campaign=campaign),
            "breadcrumbs": _campaign_crumbs(campaign, (_("Record a disbursement"), None)),
        },
    )


@capability_required(Capability.MANAGE_FUND)  # type: ignore[arg-type]
@require_GET
def disbursement_file(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    row = get_or_404(selectors.access_disbursement_by_id, user=_u(request), disbursement_id=pk)
    return attachment_response(row.decision_file, row.decision_file_name)


# The public page ------------------------------------------------------------------------------------------
@login_not_required
@require_GET
def public(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_or_404(selectors.public_campaign_by_id, campaign_id=pk)
    page = selectors.public_page(campaign=campaign)
    return render(request, "fund/public.html", {"campaign": campaign, "page": page})
