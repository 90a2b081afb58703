{{/*
Names and labels, cert-manager style: every resource name comes from here.
*/}}

{{/* The chart name, or nameOverride. */}}
{{- define "pullsecret-injector.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The fully qualified name: fullnameOverride, else the release name when it already contains the
chart name (so `helm install pullsecret-injector ...` gives "pullsecret-injector", the name
`make certs` writes its certificate for), else "<release>-<chart>". Truncated to 63 characters
because some name fields are DNS labels.
*/}}
{{- define "pullsecret-injector.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* "name-version" for the helm.sh/chart label. */}}
{{- define "pullsecret-injector.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels on every resource. */}}
{{- define "pullsecret-injector.labels" -}}
helm.sh/chart: {{ include "pullsecret-injector.chart" . }}
{{ include "pullsecret-injector.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: webhook
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Labels that select the injector's Pods (immutable in the Deployment: never add to them). */}}
{{- define "pullsecret-injector.selectorLabels" -}}
app.kubernetes.io/name: {{ include "pullsecret-injector.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* The ServiceAccount the injector runs as. */}}
{{- define "pullsecret-injector.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "pullsecret-injector.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
The image: [registry/]repository@digest when a digest is set, else [registry/]repository:tag (tag
defaults to appVersion). registry is global.imageRegistry, else image.registry. No image is
published yet, so repository has no default and rendering stops with how to build and push one.
*/}}
{{- define "pullsecret-injector.image" -}}
{{- $repository := required "image.repository is required: no pullsecret-injector image is published yet, so build and push your own, then point the chart at it:\n  make image IMAGE=<registry>/pullsecret-injector:<tag>\n  docker push <registry>/pullsecret-injector:<tag>\n  helm install ... --set image.repository=<registry>/pullsecret-injector --set image.tag=<tag>\n(add imagePullSecrets if that registry is private)" .Values.image.repository }}
{{- $registry := .Values.global.imageRegistry | default .Values.image.registry | trimSuffix "/" }}
{{- if $registry }}
{{- $repository = printf "%s/%s" $registry $repository }}
{{- end }}
{{- if .Values.image.digest }}
{{- printf "%s@%s" $repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" $repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* The policy ConfigMap (INJECTOR_POLICY_CONFIGMAP points at it). */}}
{{- define "pullsecret-injector.policyConfigMapName" -}}
{{- printf "%s-policy" (include "pullsecret-injector.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The leader-election Lease (INJECTOR_LEADER_LEASE names it; RBAC allows get/update on it only). */}}
{{- define "pullsecret-injector.leaderLeaseName" -}}
{{- printf "%s-leader" (include "pullsecret-injector.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The Secret holding the serving certificate: tls.existingSecret in "secret" mode, else <fullname>-tls. */}}
{{- define "pullsecret-injector.tlsSecretName" -}}
{{- if eq .Values.tls.mode "secret" }}
{{- required "tls.existingSecret is required when tls.mode is \"secret\": the name of a kubernetes.io/tls Secret in the release namespace" .Values.tls.existingSecret }}
{{- else }}
{{- printf "%s-tls" (include "pullsecret-injector.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{/* The cert-manager Certificate ("cert-manager" mode). */}}
{{- define "pullsecret-injector.certificateName" -}}
{{- printf "%s-serving" (include "pullsecret-injector.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The DNS names the API server uses to reach the Service; the serving certificate covers all of them. */}}
{{- define "pullsecret-injector.dnsNames" -}}
{{- $svc := include "pullsecret-injector.fullname" . }}
{{- $ns := .Release.Namespace }}
{{- toJson (list $svc (printf "%s.%s" $svc $ns) (printf "%s.%s.svc" $svc $ns) (printf "%s.%s.svc.cluster.local" $svc $ns)) }}
{{- end }}

{{/*
The name of one credential's copies: targetSecretName, default existingSecret, as the policy
parser defaults it (RegistryCredential). Every template that names a copy asks this.
*/}}
{{- define "pullsecret-injector.copyName" -}}
{{- default .existingSecret .targetSecretName }}
{{- end }}

{{/*
The names of the copies (pullsecret-injector.copyName of each credential), sorted and without
duplicates, as a JSON list. RBAC limits get/update/delete on Secrets to exactly these, and the
ValidatingAdmissionPolicy lets the injector write only Secrets with these names.
*/}}
{{- define "pullsecret-injector.targetSecretNames" -}}
{{- $names := list }}
{{- range .Values.policy.registryCredentials }}
{{- $names = append $names (include "pullsecret-injector.copyName" .) }}
{{- end }}
{{- toJson ($names | uniq | sortAlpha) }}
{{- end }}

{{/*
The source Secrets grouped by namespace, as JSON {"namespace": ["name", ...]}: one Role per
source namespace may read exactly these.
*/}}
{{- define "pullsecret-injector.sourceSecretsByNamespace" -}}
{{- $sources := dict }}
{{- range .Values.policy.registryCredentials }}
{{- $names := get $sources .existingSecretNamespace | default (list) }}
{{- $_ := set $sources .existingSecretNamespace ((append $names .existingSecret) | uniq | sortAlpha) }}
{{- end }}
{{- toJson $sources }}
{{- end }}

{{/* Name prefix of the four image-inventory ConfigMaps (INJECTOR_INVENTORY_CONFIGMAP_PREFIX; RBAC allows get/update on exactly those). */}}
{{- define "pullsecret-injector.inventoryConfigMapPrefix" -}}
{{- printf "%s-images" (include "pullsecret-injector.fullname" .) | trunc 60 | trimSuffix "-" }}
{{- end }}

{{/*
"true" when the injector runs in the cluster as this chart's Deployment (the default); "" when
webhook.url points the API server at an injector that runs elsewhere, in which case the chart
renders no Deployment, Service, certificate or other Pod-side object.
*/}}
{{- define "pullsecret-injector.inCluster" -}}
{{- if not .Values.webhook.url }}true{{ end }}
{{- end }}

{{/*
rbac.retiredSecretNames that are not also a current copy name, sorted, as a JSON list: copies of a
credential removed from the policy, which the injector may still get and delete until they are gone.
*/}}
{{- define "pullsecret-injector.retiredSecretNames" -}}
{{- $targets := include "pullsecret-injector.targetSecretNames" . | fromJsonArray }}
{{- $names := list }}
{{- range .Values.rbac.retiredSecretNames }}
{{- if not (has . $targets) }}
{{- $names = append $names . }}
{{- end }}
{{- end }}
{{- toJson ($names | uniq | sortAlpha) }}
{{- end }}

{{/*
"true" when the ValidatingAdmissionPolicy is rendered: validatingAdmissionPolicy.enabled true, or
"auto" and the cluster serves admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy (1.30+).
`helm template` without --api-versions knows no cluster, so "auto" renders nothing there.
*/}}
{{- define "pullsecret-injector.validatingAdmissionPolicyEnabled" -}}
{{- $v := toString .Values.validatingAdmissionPolicy.enabled }}
{{- if or (eq $v "true") (and (eq $v "auto") (.Capabilities.APIVersions.Has "admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy")) }}
{{- "true" }}
{{- end }}
{{- end }}

{{/* The ValidatingAdmissionPolicy and its binding (cluster-scoped, so named after the release). */}}
{{- define "pullsecret-injector.validatingAdmissionPolicyName" -}}
{{- printf "%s-secret-writes" (include "pullsecret-injector.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
