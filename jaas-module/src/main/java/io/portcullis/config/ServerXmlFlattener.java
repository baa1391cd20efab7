package io.portcullis.config;

import io.portcullis.PortcullisException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
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
 * Flattens server.xml's {@code <portcullis>} element into the property map {@link ConfigParser}
 * reads, so server.xml and MicroProfile Config share one set of names:
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
 * crl.refresh}. Document type declarations are refused (no external entities).
 */
public final class ServerXmlFlattener {
  private static final Map<String, String> DOTTED =
      Map.of("crlrefresh", "crl.refresh", "revocationscope", "revocation.scope");

  private ServerXmlFlattener() {}

  /**
   * Reads every {@code portcullis} element of {@code serverXml}.
   *
   * @throws PortcullisException {@code PRTC0706E} when the file cannot be read or parsed
   */
  public static Map<String, String> flatten(Path serverXml) throws PortcullisException {
    try (InputStream in = Files.newInputStream(serverXml)) {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      factory.setXIncludeAware(false);
      factory.setExpandEntityReferences(false);
      DocumentBuilder builder = factory.newDocumentBuilder();
      Document document = builder.parse(in);
      Map<String, String> result = new LinkedHashMap<>();
      NodeList elements = document.getElementsByTagName("portcullis");
      for (int i = 0; i < elements.getLength(); i++) {
        flattenElement((Element) elements.item(i), result);
      }
      return result;
    } catch (IOException | SAXException | ParserConfigurationException e) {
      throw new PortcullisException(e, "PRTC0706E", serverXml, e.getMessage());
    }
  }

  private static void flattenElement(Element portcullis, Map<String, String> into)
      throws PortcullisException {
    attributes(portcullis, "portcullis.", into, null);
    NodeList children = portcullis.getChildNodes();
    for (int i = 0; i < children.getLength(); i++) {
      if (children.item(i).getNodeType() != Node.ELEMENT_NODE) {
        continue;
      }
      Element child = (Element) children.item(i);
      String tag = child.getTagName();
      switch (tag) {
        case "trustArea", "area" ->
            attributes(child, "portcullis.area." + name(child) + ".", into, "name");
        case "roleRule", "rule" ->
            attributes(child, "portcullis.rule." + name(child) + ".", into, "name");
        case "policy" -> attributes(child, "portcullis.policy.", into, null);
        case "denyList" -> attributes(child, "portcullis.denyList.", into, null);
        case "cache" -> attributes(child, "portcullis.cache.", into, null);
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
      throw new PortcullisException(
          "PRTC0702E", "<" + element.getTagName() + "> name", "(every area and rule needs one)");
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
}
