{{- define "lto.fullname" -}}
{{- printf "%s-lto" .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}

{{- define "lto.labels" -}}
app.kubernetes.io/part-of: lto
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* selector labels of one component: (dict "root" $ "component" "ingestion") */}}
{{- define "lto.selector" -}}
app.kubernetes.io/name: lto
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "lto.image" -}}
{{- $tag := .root.Values.image.tag | default .root.Chart.AppVersion -}}
{{- printf "%s/%s:%s" .root.Values.image.registry .repository $tag -}}
{{- end -}}

{{- define "lto.redisHost" -}}
{{- if .Values.redis.enabled -}}{{ include "lto.fullname" . }}-redis{{- else -}}{{ required "redis.external.host is required when redis.enabled is false" .Values.redis.external.host }}{{- end -}}
{{- end -}}

{{- define "lto.redisPort" -}}
{{- if .Values.redis.enabled -}}6379{{- else -}}{{ .Values.redis.external.port }}{{- end -}}
{{- end -}}

{{- define "lto.apiKeySecret" -}}
{{- .Values.apiKeys.existingSecret | default (printf "%s-api-keys" (include "lto.fullname" .)) -}}
{{- end -}}

{{/* environment shared by every LTO container */}}
{{- define "lto.env" -}}
- name: LTO_REDIS_HOST
  value: {{ include "lto.redisHost" . | quote }}
- name: LTO_REDIS_PORT
  value: {{ include "lto.redisPort" . | quote }}
- name: LTO_INGESTION_URL
  value: {{ printf "http://%s-ingestion:8081" (include "lto.fullname" .) | quote }}
- name: LTO_INTELLIGENCE_URL
  value: {{ printf "http://%s-intelligence:8082" (include "lto.fullname" .) | quote }}
- name: LTO_ACTION_URL
  value: {{ printf "http://%s-action:8083" (include "lto.fullname" .) | quote }}
- name: LTO_DATA_DIR
  value: /data
{{- $javaToolOptions := .Values.javaToolOptions }}
{{- if .Values.otel.enabled }}
{{- /* the agent is in every image under /opt/lto/otel (Jib extraDirectories); never downloaded */}}
{{- $javaToolOptions = trim (printf "-javaagent:/opt/lto/otel/opentelemetry-javaagent.jar %s" $javaToolOptions) }}
{{- end }}
{{- with $javaToolOptions }}
- name: JAVA_TOOL_OPTIONS
  value: {{ . | quote }}
{{- end }}
{{- end -}}

{{/* the OpenTelemetry agent's settings, when otel.enabled: (dict "root" $ "service" "ingestion-service") */}}
{{- define "lto.otelEnv" -}}
{{- if .root.Values.otel.enabled -}}
- name: OTEL_SERVICE_NAME
  value: {{ .service | quote }}
- name: OTEL_JAVAAGENT_CONFIGURATION_FILE
  value: /opt/lto/otel/agent.properties
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ required "otel.endpoint is required when otel.enabled is true" .root.Values.otel.endpoint | quote }}
{{- end -}}
{{- end -}}

{{- define "lto.envFrom" -}}
- secretRef:
    name: {{ include "lto.apiKeySecret" . }}
    optional: true
{{- end -}}

{{/* probes on the Spring Boot health groups: (dict "root" $ "port" 8081) */}}
{{- define "lto.probes" -}}
startupProbe:
  httpGet: { path: /actuator/health/liveness, port: {{ .port }} }
  periodSeconds: {{ .root.Values.probes.startup.periodSeconds }}
  failureThreshold: {{ .root.Values.probes.startup.failureThreshold }}
  timeoutSeconds: {{ .root.Values.probes.startup.timeoutSeconds }}
livenessProbe:
  httpGet: { path: /actuator/health/liveness, port: {{ .port }} }
  periodSeconds: {{ .root.Values.probes.liveness.periodSeconds }}
  failureThreshold: {{ .root.Values.probes.liveness.failureThreshold }}
  timeoutSeconds: {{ .root.Values.probes.liveness.timeoutSeconds }}
readinessProbe:
  httpGet: { path: /actuator/health/readiness, port: {{ .port }} }
  periodSeconds: {{ .root.Values.probes.readiness.periodSeconds }}
  failureThreshold: {{ .root.Values.probes.readiness.failureThreshold }}
  timeoutSeconds: {{ .root.Values.probes.readiness.timeoutSeconds }}
{{- end -}}

{{- define "lto.podSpecCommon" -}}
{{- with .Values.image.pullSecrets }}
imagePullSecrets:
{{- range . }}
  - name: {{ . }}
{{- end }}
{{- end }}
securityContext:
{{ toYaml .Values.podSecurityContext | indent 2 }}
{{- end -}}

{{/* The orchestrator's CPU slots: every CPU worker slot the cluster can run at once. */}}
{{- define "lto.cpuSlots" -}}
{{- $w := .Values.simWorkers -}}
{{- if $w.keda.enabled -}}{{ mul $w.keda.maxReplicas $w.slotsPerWorker }}{{- else -}}{{ mul $w.replicas $w.slotsPerWorker }}{{- end -}}
{{- end -}}

{{- define "lto.gpuSlots" -}}
{{- $g := .Values.simWorkers.gpu -}}
{{- if $g.enabled -}}{{ mul $g.replicas $g.gpusPerWorker $g.slotsPerGpu }}{{- else -}}0{{- end -}}
{{- end -}}
