import FapiaoCore

/// The program version written into manifests.
public let fapiaoVersion = "0.1.0"
