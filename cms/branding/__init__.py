"""A tenant's branding applied everywhere: wording, the checked stylesheet, the theme CSS, template
context, the files served at /branding/ and who may edit it in the back office."""
