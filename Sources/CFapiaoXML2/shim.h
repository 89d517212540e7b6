#ifndef CFAPIAO_XML2_SHIM_H
#define CFAPIAO_XML2_SHIM_H
#include <libxml/xmlversion.h>
/* Debian builds libxml2 with ICU; its headers would pull the system ICU's unicode/*.h into this module,
   which clashes with the ICU that Foundation bundles (same C names, different enums). fapiao never touches
   the ICU fields of xmlCharEncodingHandler (it converts through iconv), so the module is built without them. */
#undef LIBXML_ICU_ENABLED
#include <libxml/xmlreader.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlIO.h>
#include <libxml/xmlerror.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* libxml2 reports some errors (encoding conversion, I/O) through its printf-like generic error function,
   which Swift cannot implement (C variadics). This one collects them, per thread, instead of printing. */
#define CFAPIAO_XML_GENERIC_SIZE 512

static inline char *cfapiao_xml_generic_buffer(void) {
    static __thread char text[CFAPIAO_XML_GENERIC_SIZE];
    return text;
}

static void cfapiao_xml_collect_generic(void *context, const char *format, ...) {
    (void)context;
    char *text = cfapiao_xml_generic_buffer();
    size_t used = strlen(text);
    if (used + 1 >= CFAPIAO_XML_GENERIC_SIZE) return;
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(text + used, CFAPIAO_XML_GENERIC_SIZE - used, format, arguments);
    va_end(arguments);
}

/// Routes this thread's (and new threads') generic libxml2 errors into the collector and empties it.
static inline void cfapiao_xml_collect_generic_errors(void) {
    cfapiao_xml_generic_buffer()[0] = 0;
    xmlSetGenericErrorFunc(NULL, cfapiao_xml_collect_generic);
    xmlThrDefSetGenericErrorFunc(NULL, cfapiao_xml_collect_generic);
}

/// The generic errors collected on this thread since the last call to cfapiao_xml_collect_generic_errors.
static inline const char *cfapiao_xml_generic_errors(void) { return cfapiao_xml_generic_buffer(); }
#endif
