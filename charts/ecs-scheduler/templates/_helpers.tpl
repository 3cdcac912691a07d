{{/* The release's full name: the release name when it already contains the chart's name. */}}
{{- define "ecs-scheduler.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "ecs-scheduler.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "ecs-scheduler.labels" -}}
{{ include "ecs-scheduler.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "ecs-scheduler.serviceAccountName" -}}
{{- .Values.serviceAccount.name | default (include "ecs-scheduler.fullname" .) -}}
{{- end -}}

{{/* The namespace whose jobs the shim serves and writes. */}}
{{- define "ecs-scheduler.shimNamespace" -}}
{{- .Values.shim.namespace | default .Release.Namespace -}}
{{- end -}}
