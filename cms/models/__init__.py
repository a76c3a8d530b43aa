from cms.models.branding import BrandingSettings
from cms.models.navigation import NavigationSettings
from cms.models.pages import StandardPage, TenantHomePage

__all__ = ["BrandingSettings", "NavigationSettings", "StandardPage", "TenantHomePage"]
