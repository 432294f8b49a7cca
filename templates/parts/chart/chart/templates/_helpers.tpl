{{- define "svc.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
backstage.io/kubernetes-id: {{ .Chart.Name }}
{{- end }}
{{- define "svc.selector" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}
{{- /* refuses replica bounds no autoscaler could honour (the HPA and the KEDA ScaledObject share them) */}}
{{- define "svc.replicaBounds" -}}
{{- $min := int .Values.autoscaling.minReplicas }}
{{- $max := int .Values.autoscaling.maxReplicas }}
{{- if or (lt $min 1) (gt $min $max) }}
{{- fail (printf "autoscaling: need 1 <= minReplicas <= maxReplicas, got minReplicas %d, maxReplicas %d" $min $max) }}
{{- end }}
{{- end }}
