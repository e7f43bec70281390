# Sourced by ./jwfp, ./run-tests and .ci/run: finds a JDK 25 (or newer) and exports JAVA_HOME.
# Order: $JAVA_HOME if it is 25+, then /usr/lib/jvm/*, then `java` on PATH. Fails with a clear message otherwise.
jwfp_java_version() { # prints the feature version of a java binary, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n1
}
jwfp_find_java() {
  local cand v
  for cand in ${JAVA_HOME:+"$JAVA_HOME"} /usr/lib/jvm/*; do
    [ -x "$cand/bin/java" ] || continue
    v=$(jwfp_java_version "$cand/bin/java")
    if [ -n "$v" ] && [ "$v" -ge 25 ]; then echo "$cand"; return 0; fi
  done
  if command -v java >/dev/null 2>&1; then
    cand=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
    v=$(jwfp_java_version "$cand/bin/java")
    if [ -n "$v" ] && [ "$v" -ge 25 ]; then echo "$cand"; return 0; fi
  fi
  return 1
}
if ! JAVA_HOME=$(jwfp_find_java); then
  echo "jwfp needs a JDK 25 or newer; none found in \$JAVA_HOME, /usr/lib/jvm or on PATH." >&2
  echo "Install one (e.g. Temurin 25) and set JAVA_HOME to it." >&2
  exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
