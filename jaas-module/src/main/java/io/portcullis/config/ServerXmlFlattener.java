package io.portcullis.config;

import io.portcullis.config.Settings.Section;
import io.portcullis.messages.CoreMessage;
import io.portcullis.messages.PortcullisException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * Flattens server.xml's {@code <usr_portcullis>} element (or {@code <portcullis>} in a rules file)
 * into the property map {@link ConfigParser} reads, so server.xml and MicroProfile Config share one
 * set of names:
 *
 * <pre>{@code
 * <portcullis unmatched="refuse">                      portcullis.unmatched=refuse
 *   <trustArea name="payments" anchors="root.pem"/>     portcullis.area.payments.anchors=root.pem
 *   <roleRule name="readers" attribute="uriSan"         portcullis.rule.readers.attribute=uriSan
 *             match="glob" pattern="spiffe://corp/*"    portcullis.rule.readers.match=glob ...
 *             groups="reader"/>
 *   <policy maxLeafLifetime="30d"/>                     portcullis.policy.maxLeafLifetime=30d
 *   <denyList file="deny.txt"/>                         portcullis.denyList.file=deny.txt
 *   <cache size="5000"/>                                portcullis.cache.size=5000
 * </portcullis>
 * }</pre>
 *
 * Attribute names with a dot ({@code crl.refresh}) are written as {@code crlRefresh} or {@code
 * crl.refresh}. Like Liberty, it follows {@code <include location>} (relative to the including
 * file) and resolves {@code ${name}} from {@code <variable>} elements, {@code ${env.NAME}} and
 * {@code ${server.config.dir}} (the directory of the file given); other Liberty variables stay as
 * written. Document type declarations are refused (no external entities).
 */
public final class ServerXmlFlattener {
  /**
   * Lower-cased server.xml attribute to property key, where the two differ ({@code crlRefresh} to
   * {@code crl.refresh}), from the settings schema.
   */
  private static final Map<String, String> DOTTED = dotted();

  /**
   * Attributes of the element that only the Liberty adapter reads (the realm of access IDs, the
   * applications left to their own module), not the identity path.
   */
  private static final Set<String> LIBERTY_ONLY = libertyOnly();

  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([^}]+)\\}");

  private ServerXmlFlattener() {}

  /**
   * Reads every {@code usr_portcullis} element of {@code serverXml} (the name Liberty gives a user
   * feature's configuration) and every {@code portcullis} element (a rules file of its own).
   *
   * @throws PortcullisException {@code PRTC0706E} when the file cannot be read or parsed
   */
  public static Map<String, String> flatten(Path serverXml) throws PortcullisException {
    List<Document> documents = new ArrayList<>();
    Map<String, String> variables = new LinkedHashMap<>();
    Path absolute = serverXml.toAbsolutePath();
    Path parent = absolute.getParent();
    variables.put("server.config.dir", parent == null ? "" : parent.toString());
    read(absolute, documents, variables, new HashSet<>());
    Map<String, String> result = new LinkedHashMap<>();
    for (Document document : documents) {
      for (String tag : List.of("usr_portcullis", "portcullis")) {
        NodeList elements = document.getElementsByTagName(tag);
        for (int i = 0; i < elements.getLength(); i++) {
          flattenElement((Element) elements.item(i), result);
        }
      }
    }
    result.replaceAll((key, value) -> resolve(value, variables));
    return result;
  }

  /**
   * Parses {@code file} and, depth first, the files its {@code <include location>} elements name
   * (relative to the including file, variables resolved; optional includes that are missing are
   * skipped), collecting {@code <variable>} values on the way.
   */
  private static void read(
      Path file, List<Document> documents, Map<String, String> variables, Set<Path> seen)
      throws PortcullisException {
    if (!seen.add(file.normalize())) {
      return;
    }
    Document document = parse(file);
    documents.add(document);
    NodeList variableElements = document.getElementsByTagName("variable");
    for (int i = 0; i < variableElements.getLength(); i++) {
      Element variable = (Element) variableElements.item(i);
      String value =
          variable.hasAttribute("value")
              ? variable.getAttribute("value")
              : variable.getAttribute("defaultValue");
      variables.put(variable.getAttribute("name"), resolve(value, variables));
    }
    NodeList includes = document.getElementsByTagName("include");
    for (int i = 0; i < includes.getLength(); i++) {
      Element include = (Element) includes.item(i);
      Path location = Path.of(resolve(include.getAttribute("location"), variables));
      Path parent = file.getParent();
      Path included = location.isAbsolute() || parent == null ? location : parent.resolve(location);
      if (Files.isRegularFile(included)) {
        read(included, documents, variables, seen);
      } else if (!Boolean.parseBoolean(include.getAttribute("optional"))) {
        throw CoreMessage.SERVER_XML_UNREADABLE.exception(
            included, "the file an <include> names does not exist");
      }
    }
  }

  private static Document parse(Path file) throws PortcullisException {
    try (InputStream in = Files.newInputStream(file)) {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      factory.setXIncludeAware(false);
      factory.setExpandEntityReferences(false);
      DocumentBuilder builder = factory.newDocumentBuilder();
      return builder.parse(in);
    } catch (IOException | SAXException | ParserConfigurationException e) {
      throw CoreMessage.SERVER_XML_UNREADABLE.causedBy(e, file, e.getMessage());
    }
  }

  /** {@code value} with each known {@code ${name}} replaced; unknown ones stay as written. */
  private static String resolve(String value, Map<String, String> variables) {
    Matcher matcher = VARIABLE.matcher(value);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      String name = matcher.group(1);
      String replacement =
          name.startsWith("env.") ? System.getenv(name.substring(4)) : variables.get(name);
      matcher.appendReplacement(
          out, Matcher.quoteReplacement(replacement == null ? matcher.group() : replacement));
    }
    matcher.appendTail(out);
    return out.toString();
  }

  private static void flattenElement(Element portcullis, Map<String, String> into)
      throws PortcullisException {
    attributes(portcullis, Section.ROOT.prefix(), into, null);
    LIBERTY_ONLY.forEach(name -> into.remove(Section.ROOT.prefix() + name));
    NodeList children = portcullis.getChildNodes();
    for (int i = 0; i < children.getLength(); i++) {
      if (children.item(i).getNodeType() != Node.ELEMENT_NODE) {
        continue;
      }
      Element child = (Element) children.item(i);
      String tag = child.getTagName();
      switch (tag) {
        case "trustArea", "area" ->
            attributes(child, Section.AREA.prefix(name(child)), into, "name");
        case "roleRule", "rule" ->
            attributes(child, Section.RULE.prefix(name(child)), into, "name");
        case "policy" -> attributes(child, Section.POLICY.prefix(), into, null);
        case "denyList" -> attributes(child, Section.DENY_LIST.prefix(), into, null);
        case "cache" -> attributes(child, Section.ROOT.prefix() + "cache.", into, null);
        default -> {
          // other engineers' children (key sources, renewal) are not ours to read
        }
      }
    }
  }

  private static String name(Element element) throws PortcullisException {
    String name = element.getAttribute("name");
    if (name.isBlank()) {
      name = element.getAttribute("id");
    }
    if (name.isBlank()) {
      throw CoreMessage.PROPERTY_REQUIRED.exception(
          "<" + element.getTagName() + "> name", "(every area and rule needs one)");
    }
    return name;
  }

  private static void attributes(
      Element element, String prefix, Map<String, String> into, String skip) {
    NamedNodeMap attributes = element.getAttributes();
    for (int i = 0; i < attributes.getLength(); i++) {
      Node attribute = attributes.item(i);
      String name = attribute.getNodeName();
      if (name.equals(skip) || name.equals("id") || name.startsWith("xmlns")) {
        continue;
      }
      String key = DOTTED.getOrDefault(name.toLowerCase(Locale.ROOT), name);
      into.put(prefix + key, attribute.getNodeValue());
    }
  }

  private static Map<String, String> dotted() {
    Map<String, String> dotted = new HashMap<>();
    for (Settings.Setting setting : Settings.all()) {
      if (!setting.key().isEmpty() && !setting.key().equals(setting.attribute())) {
        dotted.put(setting.attribute().toLowerCase(Locale.ROOT), setting.key());
      }
    }
    return Map.copyOf(dotted);
  }

  private static Set<String> libertyOnly() {
    Set<String> names = new HashSet<>();
    for (Settings.Setting setting : Settings.of(Section.ROOT)) {
      if (setting.libertyOnly()) {
        names.add(setting.attribute());
      }
    }
    return Set.copyOf(names);
  }
}
