/**
 * Domain records, ports and errors shared by every Orisun-J module. Records validate and normalise their
 * components in their compact constructors, so a value that exists is a valid value.
 */
package io.orisun.api;
