#!/usr/bin/env bash
# The demo: builds Portcullis, assembles Open Liberty from the Maven registry, installs
# usr:portcullis-1.0 from its ESA, deploys the sample app on a fresh dev PKI, prints curl
# lines that work, and keeps the server running until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

liberty_version=$(sed -n 's:.*<liberty.runtime.version>\(.*\)</liberty.runtime.version>.*:\1:p' pom.xml)
demo=$root/target/demo
wlp=$demo/wlp
server=$wlp/usr/servers/portcullis-demo
pki=$server/resources/security
https_port=${PORTCULLIS_DEMO_HTTPS_PORT:-9443}
# Plain HTTP stays closed (mtls.xml) unless this names a port.
http_port=${PORTCULLIS_DEMO_HTTP_PORT:-}

command -v unzip >/dev/null || .ci/install-packages.sh

echo "==> Building Portcullis (no tests; ./scripts/test.sh runs them)"
mvn -B -q -DskipTests -pl cli,extension,health,metrics,sample-app -am clean install

if [ ! -x "$wlp/bin/server" ]; then
  echo "==> Assembling Open Liberty $liberty_version from the Maven registry"
  mkdir -p "$demo"
  mvn -B -q dependency:copy -Dartifact="io.openliberty:openliberty-runtime:$liberty_version:zip" \
    -DoutputDirectory="$demo"
  unzip -q -o "$demo/openliberty-runtime-$liberty_version.zip" -d "$demo"
fi
"$wlp/bin/server" stop portcullis-demo >/dev/null 2>&1 || true
rm -rf "$server" "$wlp/usr/extension"
"$wlp/bin/server" create portcullis-demo >/dev/null

echo "==> Installing usr:portcullis-1.0 from extension/target/portcullis-1.0.esa"
mkdir -p "$wlp/usr/extension/lib/features"
unzip -q -p extension/target/portcullis-1.0.esa OSGI-INF/SUBSYSTEM.MF > "$wlp/usr/extension/lib/features/portcullis-1.0.mf"
unzip -q -o extension/target/portcullis-1.0.esa '*.jar' -d "$wlp/usr/extension/lib"
# The auto feature that adds the health checks when mpHealth-4.0 is enabled too.
unzip -q -p health/target/portcullisHealth-1.0.esa OSGI-INF/SUBSYSTEM.MF > "$wlp/usr/extension/lib/features/portcullisHealth-1.0.mf"
unzip -q -o health/target/portcullisHealth-1.0.esa '*.jar' -d "$wlp/usr/extension/lib"
# The auto feature that adds the metrics when mpMetrics-5.x is enabled too.
unzip -q -p metrics/target/portcullisMetrics-1.0.esa OSGI-INF/SUBSYSTEM.MF > "$wlp/usr/extension/lib/features/portcullisMetrics-1.0.mf"
unzip -q -o metrics/target/portcullisMetrics-1.0.esa '*.jar' -d "$wlp/usr/extension/lib"

echo "==> Writing a fresh dev PKI to $pki"
java -jar cli/target/portcullis.jar dev-pki --out "$pki" >/dev/null

# The server's own HTTPS identity comes from a Portcullis CA with a 5-minute lifetime, and the
# feature renews it while the demo runs (renew="ca"; docs/renewal.md).
ca_dir=$demo/server-ca
usb=$demo/server-ca-offline
echo "==> Making the server's CA in $ca_dir and its first 5-minute certificate"
rm -rf "$ca_dir" "$usb"
mkdir -p "$usb"
chmod 700 "$usb"
(umask 077
  head -c 24 /dev/urandom | base64 > "$usb/root-passphrase"
  head -c 18 /dev/urandom | base64 > "$usb/p12-password")
portcullis() { java -jar "$root/cli/target/portcullis.jar" "$@" >/dev/null; }
root_key=(--root-key "$usb/root.p12" --root-passphrase-file "$usb/root-passphrase")
portcullis ca init --dir "$ca_dir" --operator demo --name "Portcullis Demo Servers" \
  --trust-domain servers.demo.portcullis.dev "${root_key[@]}"
portcullis ca area create https --dir "$ca_dir" --operator demo \
  --uri-prefix spiffe://servers.demo.portcullis.dev/https/ --dns localhost --max-lifetime 1h \
  "${root_key[@]}"
portcullis ca register --dir "$ca_dir" --operator demo --area https \
  --spiffe-id spiffe://servers.demo.portcullis.dev/https/portcullis-demo --dns localhost \
  --max-lifetime 5m --usage server --approved-by demo --token-out "$usb/join-token"
portcullis ca issue --dir "$ca_dir" --operator demo --token-file "$usb/join-token" \
  --new-pkcs12 "$pki/server-renewing.p12" --pkcs12-password-file "$usb/p12-password"
cp "$ca_dir/root/root.pem" "$pki/server-ca.pem"
# The key store password reaches server.xml as a variable from a file only the owner reads
# (Liberty rewrites server.env on its first start, so it cannot go there).
(umask 077 && printf '<server>\n  <variable name="portcullis.demo.p12.password" value="%s"/>\n</server>\n' \
  "$(cat "$usb/p12-password")" > "$pki/server-key.xml")

cp liberty-config/*.xml "$server/"
http_endpoint=""
if [ -n "$http_port" ]; then
  http_endpoint="  <httpEndpoint id=\"defaultHttpEndpoint\" httpPort=\"$http_port\"/>"
fi
cp sample-app/target/portcullis-sample.war "$server/apps/"
cat > "$server/server.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<server description="Portcullis demo">
  <include location="portcullis-features.xml"/>
  <!-- Readiness per key source and trust area, liveness, startup (docs/health.md); the files
       under health/ are for probes that cannot present a client certificate. Metrics on
       /metrics?scope=portcullis (docs/metrics.md), readable by any caller the handshake accepts. -->
  <featureManager>
    <feature>mpHealth-4.0</feature>
    <feature>mpMetrics-5.1</feature>
  </featureManager>
  <mpHealth checkInterval="5s" startupCheckInterval="1s"/>
  <mpMetrics authentication="false"/>
  <variable name="portcullis.pki.dir" value="\${server.config.dir}/resources/security"/>
  <variable name="portcullis.http.host" value="localhost"/>
  <variable name="default.https.port" value="$https_port"/>
  <include location="mtls.xml"/>
$http_endpoint
  <include location="portcullis-dev.xml"/>
  <include location="sample-app.xml"/>
  <!-- The HTTPS identity: a key source the feature renews from the server's CA, served through
       the feature's key store, which Liberty reloads the moment a renewal is stored. -->
  <include location="\${portcullis.pki.dir}/server-key.xml"/>
  <usr_portcullis>
    <keySource name="server" type="pkcs12" file="\${portcullis.pki.dir}/server-renewing.p12"
               password="\${portcullis.demo.p12.password}" renew="ca" caDirectory="$ca_dir"
               lifetime="5m"/>
  </usr_portcullis>
  <keyStore id="defaultKeyStore" type="PortcullisKeySource" provider="Portcullis"
            location="\${server.output.dir}/portcullis/key-sources" password="unused"
            updateTrigger="mbean"/>
</server>
XML

echo "==> Starting Liberty"
"$wlp/bin/server" start portcullis-demo --clean >/dev/null
log=$server/logs/messages.log
for _ in $(seq 1 120); do
  grep -q 'CWWKZ0001I.*portcullis-sample' "$log" 2>/dev/null && break
  grep -q 'CWWKZ0002E\|CWWKF0001E' "$log" 2>/dev/null && { cat "$log"; exit 1; }
  sleep 1
done
grep -q 'CWWKZ0001I.*portcullis-sample' "$log" || { echo "Liberty did not start the sample app; see $log"; exit 1; }

c="clients"
url="https://localhost:$https_port/portcullis-sample/api"
cat <<TXT

Portcullis demo is running. Every request is authenticated by its TLS client certificate.
In another terminal:

  cd $pki

  # reader: who am I? (200, principal = its SPIFFE ID, roles [reader])
  curl --cert $c/reader.pem --key $c/reader.key.pem --cacert server-ca.pem $url/whoami

  # reader may list orders (200) but not add one (403)
  curl --cert $c/reader.pem --key $c/reader.key.pem --cacert server-ca.pem $url/orders
  curl --cert $c/reader.pem --key $c/reader.key.pem --cacert server-ca.pem -X POST -d widget -w ' %{http_code}\n' $url/orders

  # writer may add an order (201)
  curl --cert $c/writer.pem --key $c/writer.key.pem --cacert server-ca.pem -X POST -d widget $url/orders

  # trusted but matched by no rule: authenticated with no roles; orders are 403
  curl --cert $c/stranger.pem --key $c/stranger.key.pem --cacert server-ca.pem $url/whoami

  # no certificate: the TLS handshake is refused, no HTTP response at all (with TLS 1.3 curl
  # reports it after the fact: "stream 1 was not closed cleanly" or "Empty reply from server")
  curl --cacert server-ca.pem $url/whoami

  # health: readiness per key source and trust area (503 when one is DOWN), liveness, startup
  curl --cert $c/reader.pem --key $c/reader.key.pem --cacert server-ca.pem https://localhost:$https_port/health/ready
  curl --cert $c/reader.pem --key $c/reader.key.pem --cacert server-ca.pem https://localhost:$https_port/health/live
  # the same for probes without a certificate: files touched every 5 s while UP
  ls -l --time-style=+%T $server/health/

  # metrics: expiry, renewals, requests accepted and refused by reason (Prometheus text)
  curl --cert $c/reader.pem --key $c/reader.key.pem --cacert server-ca.pem "https://localhost:$https_port/metrics?scope=portcullis"

$(if [ -n "$http_port" ]; then
  echo "  # plain HTTP (opened by PORTCULLIS_DEMO_HTTP_PORT): refused with 401 (PRTC0301E in the log)"
  echo "  curl -i http://localhost:$http_port/portcullis-sample/api/whoami"
else
  echo "  # plain HTTP is closed; PORTCULLIS_DEMO_HTTP_PORT=9080 ./scripts/demo.sh opens it to show"
  echo "  # that it refuses everyone (401, PRTC0301E in the log)"
fi)

The server's own certificate comes from the demo's server CA ($ca_dir, trusted by curl
through server-ca.pem) and lives 5 minutes: the feature renews it at about 2/3 of its life,
with a new key each time, and Liberty serves it from the next handshake, without a restart.
Each renewal is printed below as it happens (PRTC0540I in the log).

Server log: $log
Press Ctrl-C to stop the server.
TXT

stop() {
  echo
  echo "==> Stopping Liberty"
  "$wlp/bin/server" stop portcullis-demo >/dev/null 2>&1 || true
  exit 0
}
trap stop INT TERM
renewals=0
while "$wlp/bin/server" status portcullis-demo >/dev/null 2>&1; do
  now=$(grep -c 'PRTC0540I' "$log" 2>/dev/null || true)
  if [ "${now:-0}" -gt "$renewals" ]; then
    grep 'PRTC0540I' "$log" | tail -n $((now - renewals)) | sed 's/.*PRTC0540I: /==> renewed: /'
    renewals=$now
  fi
  sleep 2
done
echo "Liberty stopped."
