#ifndef CFAPIAO_XML2_SHIM_H
#define CFAPIAO_XML2_SHIM_H
#include <libxml/xmlreader.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlIO.h>
#include <libxml/xmlerror.h>
#endif
