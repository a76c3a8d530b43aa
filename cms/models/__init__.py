from cms.models.branding import BrandingSettings
from cms.models.pages import TenantHomePage

__all__ = ["BrandingSettings", "TenantHomePage"]
