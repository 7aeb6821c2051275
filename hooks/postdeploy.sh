#!/bin/sh
# azd postdeploy: the Event Grid subscription of the subscription's ARM events to resourceChanged.
# It comes after the code: Event Grid checks that the function exists when the subscription is made.
set -eu

env_value() { azd env get-value "$1" 2>/dev/null || true; }
app_id=$(env_value AZURE_FUNCTION_APP_ID)
topic=$(env_value AUDITOR_ARM_TOPIC_NAME)
topic_group=$(env_value AUDITOR_ARM_TOPIC_RESOURCE_GROUP)
dead_letters=$(env_value AUDITOR_DEAD_LETTER_CONTAINER_ID)
notifications=$(env_value AUDITOR_NOTIFICATIONS_TOPIC_NAME)
group=$(env_value AZURE_RESOURCE_GROUP)
# The resource types the rules judge (infra/app.bicep, output watchedTypes), one argument each.
types=$(env_value AUDITOR_WATCHED_TYPES | node -e 'let s="";process.stdin.on("data",(d)=>s+=d).on("end",()=>console.log(JSON.parse(s).join(" ")))')

# A reused topic's own identity writes its dead letters, if it has one; the role is scoped to the container.
principal=$(az eventgrid system-topic show -g "$topic_group" -n "$topic" --query identity.principalId -o tsv 2>/dev/null || true)
dead_letter_args=""
if [ -n "$principal" ]; then
  az role assignment create --assignee-object-id "$principal" --assignee-principal-type ServicePrincipal \
    --role "Storage Blob Data Contributor" --scope "$dead_letters" >/dev/null 2>&1 || true
  dead_letter_args="--deadletter-identity systemassigned --deadletter-identity-endpoint $dead_letters"
else
  echo "warning: topic '$topic' has no managed identity: events that cannot be delivered will not be dead-lettered" >&2
fi

subscribe() {
  # $1 topic group, $2 topic, $3 schema, then the event types
  topic_group_arg=$1; topic_arg=$2; schema=$3; shift 3
  # shellcheck disable=SC2086
  az eventgrid system-topic event-subscription create --name resource-changed \
    --resource-group "$topic_group_arg" --system-topic-name "$topic_arg" \
    --endpoint-type azurefunction --endpoint "$app_id/functions/resourceChanged" \
    --event-delivery-schema "$schema" --max-events-per-batch 1 --preferred-batch-size-in-kilobytes 64 \
    --included-event-types "$@" \
    --enable-advanced-filtering-on-arrays true --advanced-filter subject StringContains $types \
    --max-delivery-attempts 30 --event-ttl 1440 $dead_letter_args >/dev/null
}

subscribe "$topic_group" "$topic" eventgridschema \
  Microsoft.Resources.ResourceWriteSuccess Microsoft.Resources.ResourceDeleteSuccess Microsoft.Resources.ResourceActionSuccess
echo "Event Grid: ARM events of the subscription now reach resourceChanged (topic $topic)."

if [ -n "$notifications" ]; then
  subscribe "$group" "$notifications" cloudeventschemav1_0 \
    Microsoft.ResourceNotifications.Resources.CreatedOrUpdated Microsoft.ResourceNotifications.Resources.Deleted
  echo "Event Grid: Azure Resource Notifications reach resourceChanged too (topic $notifications)."
fi
