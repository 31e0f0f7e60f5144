"""Showing an admin change form back as it was posted, after the save was undone.

The article and edition pages run an action after saving the form; when the
action is refused, the save is rolled back and the person sees the form again
with every typed value. Django's admin builds that page inside
``changeform_view``; this builds the same context from the bound form and
formsets the admin already validated, so nothing typed is lost.
"""

from django.contrib.admin import helpers


def posted_change_form_context(model_admin, request, obj, form, formsets) -> dict:
    """The context ``render_change_form`` needs for ``obj``'s change page, with
    ``form`` and ``formsets`` (bound to what was posted) in place of fresh ones."""
    admin_form = helpers.AdminForm(
        form,
        list(model_admin.get_fieldsets(request, obj)),
        model_admin.get_prepopulated_fields(request, obj),
        model_admin.get_readonly_fields(request, obj),
        model_admin=model_admin,
    )
    inlines = [inline for _formset, inline in model_admin.get_formsets_with_inlines(request, obj)]
    inline_formsets = model_admin.get_inline_formsets(request, formsets, inlines, obj)
    media = model_admin.media + admin_form.media
    for inline_formset in inline_formsets:
        media += inline_formset.media
    return {
        **model_admin.admin_site.each_context(request),
        "title": f"Change {model_admin.opts.verbose_name}",
        "subtitle": str(obj),
        "adminform": admin_form,
        "object_id": str(obj.pk),
        "original": obj,
        "is_popup": False,
        "to_field": None,
        "media": media,
        "inline_admin_formsets": inline_formsets,
        "errors": helpers.AdminErrorList(form, formsets),
        "preserved_filters": model_admin.get_preserved_filters(request),
    }
