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
#endif
