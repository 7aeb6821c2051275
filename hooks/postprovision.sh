#!/bin/sh
# azd postprovision: the app's sign-in callback, now that its host name is known.
set -eu
client_id=$(azd env get-value AZURE_AUTH_CLIENT_ID)
url=$(azd env get-value AZURE_FUNCTION_APP_URL)
az ad app update --id "$client_id" --web-redirect-uris "$url/.auth/login/aad/callback" >/dev/null
echo "Sign-in redirect set to $url/.auth/login/aad/callback"
