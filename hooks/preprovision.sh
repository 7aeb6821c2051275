#!/bin/sh
# azd preprovision: what the Bicep needs that only the deployer's sign-in can make.
# - the Microsoft Entra app registration that signs users in to the dashboard and API, with the app
#   role Auditor.Run (who may run audits); created once per environment and kept in the azd env;
# - the subscriptions to audit (default: the one azd deploys to);
# - an Event Grid system topic this subscription already has for ARM events: Event Grid allows one
#   per source, so an existing one (made by the portal, Defender or an earlier install) is reused.
set -eu

env_value() { azd env get-value "$1" 2>/dev/null || true; }

subscription=$(env_value AZURE_SUBSCRIPTION_ID)
if [ -z "$(env_value AUDITOR_SCOPE_SUBSCRIPTIONS)" ]; then
  azd env set AUDITOR_SCOPE_SUBSCRIPTIONS "$subscription"
fi

if [ -z "$(env_value AZURE_AUTH_CLIENT_ID)" ]; then
  name="aml-vnet-auditor-$(env_value AZURE_ENV_NAME)"
  roles=$(mktemp)
  cat > "$roles" <<JSON
[{ "allowedMemberTypes": ["User", "Application"], "description": "Run audits now (POST /api/audit).",
   "displayName": "Auditor.Run", "isEnabled": true, "value": "Auditor.Run", "id": "$(node -e 'console.log(require("crypto").randomUUID())')" }]
JSON
  echo "Creating the Microsoft Entra app registration '$name' for sign-in (needs permission to create applications)…"
  client_id=$(az ad app create --display-name "$name" --sign-in-audience AzureADMyOrg --enable-id-token-issuance true --app-roles "@$roles" --query appId -o tsv)
  rm -f "$roles"
  az ad app update --id "$client_id" --identifier-uris "api://$client_id" >/dev/null
  az ad sp create --id "$client_id" >/dev/null 2>&1 || true
  azd env set AZURE_AUTH_CLIENT_ID "$client_id"
fi

if [ -z "$(env_value AUDITOR_EXISTING_ARM_TOPIC)" ]; then
  existing=$(az eventgrid system-topic list --query "[?source=='/subscriptions/$subscription' && topicType=='Microsoft.Resources.Subscriptions'] | [0].[name, resourceGroup]" -o tsv 2>/dev/null || true)
  if [ -n "$existing" ]; then
    topic=$(printf '%s' "$existing" | cut -f1)
    group=$(printf '%s' "$existing" | cut -f2)
    echo "Reusing the subscription's Event Grid system topic '$topic' (resource group $group)."
    azd env set AUDITOR_EXISTING_ARM_TOPIC "$topic"
    azd env set AUDITOR_EXISTING_ARM_TOPIC_RESOURCE_GROUP "$group"
  fi
fi
