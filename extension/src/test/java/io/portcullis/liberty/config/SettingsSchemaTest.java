package io.portcullis.liberty.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.portcullis.config.Settings;
import io.portcullis.config.Settings.Setting;
import io.portcullis.config.Settings.Type;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Holds the settings schema against the two places that must agree with it without reading it: the
 * metatype Liberty validates server.xml with, and the configuration reference.
 */
class SettingsSchemaTest {
  private static final Path METATYPE = Path.of("src/main/resources/OSGI-INF/metatype/metatype.xml");
  private static final Path L10N = Path.of("src/main/resources/OSGI-INF/l10n/metatype.properties");
  private static final Path REFERENCE = Path.of("../docs/configuration.md");
  private static final String IBM = "http://www.ibm.com/xmlns/appservers/osgi/metatype/v1.0.0";

  @Test
  void metatypeDeclaresEverySettingWithItsType() throws Exception {
    Map<String, Element> ocds = ocds();
    Properties l10n = new Properties();
    try (InputStream in = Files.newInputStream(L10N)) {
      l10n.load(in);
    }
    List<String> problems = new ArrayList<>();
    for (Settings.Section element : Settings.Section.values()) {
      Element ocd = ocds.remove(pid(element));
      assertThat(ocd).as("metatype OCD for <%s>", element.tag()).isNotNull();
      Map<String, Element> ads = new TreeMap<>();
      NodeList list = ocd.getElementsByTagName("AD");
      for (int i = 0; i < list.getLength(); i++) {
        Element ad = (Element) list.item(i);
        String description = ad.getAttribute("description");
        if (description.startsWith("%") && !l10n.containsKey(description.substring(1))) {
          problems.add(element.tag() + "." + ad.getAttribute("id") + ": no " + description);
        }
        if (ad.getAttributeNS(IBM, "type").equals("pid")) {
          String reference = ad.getAttributeNS(IBM, "reference");
          assertThat(isElementPid(reference))
              .as("nested element %s is in the schema", reference)
              .isTrue();
          continue;
        }
        ads.put(ad.getAttribute("id"), ad);
      }
      for (Setting setting : Settings.accepted(element)) {
        Element ad = ads.remove(setting.attribute());
        if (ad == null) {
          problems.add(element.tag() + "." + setting.attribute() + ": missing from metatype");
          continue;
        }
        String where = element.tag() + "." + setting.attribute() + ": ";
        if (!ad.getAttribute("type").equals(metatypeType(setting.type()))) {
          problems.add(where + "type " + ad.getAttribute("type"));
        }
        if (!ad.getAttributeNS(IBM, "type").equals(ibmType(setting.type()))) {
          problems.add(where + "ibm:type '" + ad.getAttributeNS(IBM, "type") + "'");
        }
        boolean multi = !ad.getAttribute("cardinality").isEmpty();
        if (multi != (setting.type() == Type.LIST)) {
          problems.add(where + "cardinality '" + ad.getAttribute("cardinality") + "'");
        }
        boolean required = !ad.getAttribute("required").equals("false");
        if (required != setting.required()) {
          problems.add(where + "required=" + required);
        }
        if (ad.hasAttribute("default")
            && !ad.getAttribute("default").equals(setting.defaultValue())) {
          problems.add(where + "default " + ad.getAttribute("default"));
        }
        List<String> options = new ArrayList<>();
        NodeList optionNodes = ad.getElementsByTagName("Option");
        for (int i = 0; i < optionNodes.getLength(); i++) {
          options.add(((Element) optionNodes.item(i)).getAttribute("value"));
        }
        if (!options.equals(setting.options())) {
          problems.add(where + "options " + options + ", schema " + setting.options());
        }
      }
      ads.keySet().forEach(id -> problems.add(element.tag() + "." + id + ": not in the schema"));
    }
    assertThat(ocds).as("metatype OCDs the schema does not know").isEmpty();
    assertThat(problems).isEmpty();
  }

  @Test
  void referenceDocumentationHoldsTheSchemasTables() throws Exception {
    String document = Files.readString(REFERENCE, StandardCharsets.UTF_8);
    String expected = document;
    for (Settings.Section element : Settings.Section.values()) {
      Pattern block =
          Pattern.compile(
              "(<!-- settings:" + element.tag() + " -->\n)(.*?)(<!-- /settings -->)",
              Pattern.DOTALL);
      Matcher matcher = block.matcher(expected);
      assertThat(matcher.find())
          .as("docs/configuration.md has a settings block for <%s>", element.tag())
          .isTrue();
      expected =
          matcher.replaceFirst(
              Matcher.quoteReplacement(matcher.group(1) + table(element) + matcher.group(3)));
    }
    if (!expected.equals(document)) {
      Path written = Path.of("target/configuration.md");
      Files.writeString(written, expected, StandardCharsets.UTF_8);
      assertThat(document)
          .as("docs/configuration.md differs from the schema; the up-to-date page is " + written)
          .isEqualTo(expected);
    }
  }

  @Test
  void typedDurationsArriveAsMillisecondsAndLeaveAsIsoDurations() {
    Map<String, String> keys =
        LibertyConfigMapper.fromServerXml(
            Map.of(
                "trustArea.0.name",
                "a",
                "trustArea.0.crlRefresh",
                2_000L,
                "trustArea.0.profile",
                Boolean.FALSE));
    assertThat(keys)
        .containsEntry("portcullis.area.a.crl.refresh", "PT2S")
        .containsEntry("portcullis.area.a.profile", "false");
  }

  /** The reference table of one element, as docs/configuration.md shows it. */
  static String table(Settings.Section element) {
    StringBuilder out = new StringBuilder();
    out.append("| attribute | property | type | default | meaning |\n");
    out.append("|---|---|---|---|---|\n");
    for (Setting setting : Settings.of(element)) {
      String property =
          setting.type() == Type.NAME || setting.libertyOnly()
              ? "—"
              : "`" + setting.property("<name>") + "`";
      String defaultValue =
          setting.required()
              ? "required"
              : setting.defaultValue().isEmpty() ? "—" : "`" + setting.defaultValue() + "`";
      out.append("| `")
          .append(setting.attribute())
          .append("` | ")
          .append(property)
          .append(" | ")
          .append(typeText(setting))
          .append(" | ")
          .append(defaultValue)
          .append(" | ")
          .append(setting.doc().replace("|", "\\|"))
          .append(" |\n");
    }
    return out.toString();
  }

  private static String typeText(Setting setting) {
    return switch (setting.type()) {
      case NAME -> "name";
      case TEXT -> "text";
      case LIST -> "list";
      case BOOLEAN -> "boolean";
      case INTEGER -> "integer";
      case DURATION -> "duration";
      case DURATION_OR_NONE -> "duration or `none`";
      case CHOICE ->
          setting.options().stream().map(o -> "`" + o + "`").collect(Collectors.joining(" \\| "));
      case PASSWORD -> "password";
    };
  }

  private static String metatypeType(Type type) {
    return switch (type) {
      case BOOLEAN -> "Boolean";
      case INTEGER -> "Integer";
      default -> "String";
    };
  }

  private static String ibmType(Type type) {
    return switch (type) {
      case DURATION -> "duration";
      case PASSWORD -> "password";
      default -> "";
    };
  }

  private static String pid(Settings.Section element) {
    return "io.portcullis.liberty."
        + (element == Settings.Section.ROOT ? "portcullis" : element.tag());
  }

  private static boolean isElementPid(String reference) {
    for (Settings.Section element : Settings.Section.values()) {
      if (pid(element).equals(reference)) {
        return true;
      }
    }
    return false;
  }

  private static Map<String, Element> ocds() throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    Document document;
    try (InputStream in = Files.newInputStream(METATYPE)) {
      document = factory.newDocumentBuilder().parse(in);
    }
    Map<String, Element> ocds = new TreeMap<>();
    NodeList list = document.getElementsByTagName("OCD");
    for (int i = 0; i < list.getLength(); i++) {
      Element ocd = (Element) list.item(i);
      ocds.put(ocd.getAttribute("id"), ocd);
    }
    assertThat(new TreeSet<>(ocds.keySet())).hasSize(Settings.Section.values().length);
    return ocds;
  }
}
